import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../src/stages/load/history.ts';
import { findK6 } from '../../src/stages/load/k6-binary.ts';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const REPLAY = path.join(ROOT, 'test/fixtures/k6-replay/k6');
const k6 = await findK6();
if (!k6) console.warn('SKIPPED (in test/load/load-stage.test.ts): the tests with a real k6 (k6 inspect of every script, the N+1 flaw as a latency regression): k6 is not on PATH and K6_BINARY is not set. Install k6 to run them.');

async function load(args: string[], env: NodeJS.ProcessEnv) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-load-'));
  const history = path.join(reports, 'history.jsonl');
  const r = await runCli(['run', '--stages', 'load', '--no-coverage', '--reports', reports, ...args], { cwd: ROOT, env: { GAUNTLET_LOAD_HISTORY: history, ...env }, timeoutMs: 600_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const stage = result.stages[0];
  return { ...r, reports, history, result, stage, byId: new Map(stage?.checks.map((c) => [c.id, c]) ?? []) };
}

describe('load stage without k6', () => {
  const noK6 = { PATH: path.dirname(process.execPath) + path.delimiter + '/usr/bin:/bin', K6_BINARY: '' };

  it('is skipped with the install hint, never passed', async () => {
    const r = await load([], noK6);
    expect(r.code).toBe(1); // only the load stage was selected and it could not run: nothing was checked
    expect(r.stage).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^k6 not found on PATH\. Install k6 \(https:\/\/grafana\.com\/docs\/k6\//) });
    expect(r.stdout).toMatch(/skipped load: .*k6 not found on PATH/);
  });

  it('fails the gate with --require load (the nightly run)', async () => {
    const r = await load(['--require', 'load'], noK6);
    expect(r.code).toBe(1);
    expect(r.result.gates.find((g) => g.name === 'load.required')).toMatchObject({ passed: false, message: expect.stringContaining('k6 not found on PATH') });
  });

  it('names a K6_BINARY that is not an executable', async () => {
    const r = await load([], { K6_BINARY: '/nonexistent/k6' });
    expect(r.stage?.reason).toMatch(/^K6_BINARY is \/nonexistent\/k6, which is not an executable file\./);
  });
});

/**
 * The harness around k6 with a stand-in that replays real k6 output (test/fixtures/k6-replay): what
 * Gauntlet passes to k6, that it reads the handleSummary JSON, treats the exit code as
 * authoritative, samples health, keeps the history and writes the report.
 */
describe('load stage harness (k6 stand-in replaying recorded k6 v1.6.0 output)', () => {
  it('a passing run: thresholds become checks and gates, the run joins the history, the report is written', async () => {
    const r = await load(['--profile', 'smoke'], { K6_BINARY: REPLAY, K6_REPLAY: 'pass' });
    expect(r.stage?.checks.filter((c) => c.status === 'failed')).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.byId.get('load:threshold:http_req_duration:p(95)<200')?.status).toBe('passed');
    expect(r.byId.get('load:k6-exit')?.status).toBe('passed');
    expect(r.byId.get('load:health')).toMatchObject({ status: 'passed', message: expect.stringMatching(/^[1-9]\d* healthy and 0 unhealthy samples/) });
    expect(r.byId.get('load:regression:http_req_duration.p(95)')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^no baseline yet/) });
    expect(r.result.gates.find((g) => g.name === 'load.http_req_duration.p(95)<200')).toMatchObject({ passed: true, comparator: '<=', threshold: 200 });
    const [entry] = await readHistory(r.history);
    expect(entry).toMatchObject({ profile: 'smoke', script: 'load/companion-api.k6.ts', target: 'companion-api', passed: true });
    expect(entry?.figures['http_reqs.count']).toBe(480);
    expect((await stat(path.join(r.reports, 'load-report.html'))).size).toBeGreaterThan(100_000); // Chart.js inlined
    const data = JSON.parse(await readFile(path.join(r.reports, 'load', 'data.json'), 'utf8')) as { users: unknown[] };
    expect(data.users).toHaveLength(120); // stages.load.data.users from the seeded factories
  });

  it('a run whose thresholds are crossed (exit 99) fails with the named thresholds', async () => {
    const r = await load([], { K6_BINARY: REPLAY, K6_REPLAY: 'fail' });
    expect(r.code).toBe(1);
    expect(r.stage?.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['load:threshold:http_req_duration{name:slow}:p(95)<200', 'load:threshold:http_req_failed:rate<0.001', 'load:k6-exit']);
    expect((await readHistory(r.history))[0]?.passed).toBe(false);
  });

  it('exit 99 with every threshold ok still fails: k6 exit code is authoritative', async () => {
    const r = await load([], { K6_BINARY: REPLAY, K6_REPLAY: 'rc99-all-ok' });
    expect(r.code).toBe(1);
    expect(r.byId.get('load:k6-exit')).toMatchObject({ status: 'failed', message: expect.stringContaining('the exit code is authoritative') });
  });

  it('a script that writes no summary fails, naming handleSummary', async () => {
    const r = await load([], { K6_BINARY: REPLAY, K6_REPLAY: 'no-summary' });
    expect(r.code).toBe(1);
    expect(r.byId.get('load:summary')?.message).toMatch(/wrote no .*summary\.json: the script's handleSummary must return/);
  });
});

describe.skipIf(!k6)('load stage with a real k6', () => {
  it('k6 inspect accepts every script in load/', async () => {
    for (const script of ['load/companion-api.k6.ts']) {
      const { stdout } = await promisify(execFile)(k6?.path as string, ['inspect', script], { cwd: ROOT, env: { ...process.env, DATA_FILE: path.join(ROOT, 'test/fixtures/load-data.json') } });
      expect(JSON.parse(stdout)).toHaveProperty('scenarios');
    }
  });

  it('catches the N+1 flaw as a latency regression against a clean baseline', async () => {
    const clean = await load(['--profile', 'smoke'], {});
    expect(clean.code).toBe(0);
    const env = { GAUNTLET_LOAD_HISTORY: clean.history };
    for (let i = 0; i < 2; i++) expect((await load(['--profile', 'smoke'], env)).code).toBe(0);
    const flawed = await load(['--profile', 'smoke', '--flaw', 'n-plus-one-list'], env);
    expect(flawed.stage?.checks.filter((c) => c.status === 'failed' && c.id.startsWith('load:regression:')).length).toBeGreaterThan(0);
  }, 900_000);
});

describe('gauntlet load --emit k6-operator', () => {
  it('writes a TestRun for the configured script and profile', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'gauntlet-k6op-')), 'testrun.yaml');
    const r = await runCli(['load', '--emit', 'k6-operator', '--base-url', 'http://companion-api:3000', '--parallelism', '8', '--profile', 'load', '--out', out], { cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const yaml = await readFile(out, 'utf8');
    expect(yaml).toMatch(/kind: TestRun\nmetadata:\n {2}name: companion-api-load\nspec:\n {2}parallelism: 8\n/);
    const [configMap] = parseAllDocuments(yaml).map((d) => d.toJS() as { data: Record<string, string> });
    expect((JSON.parse(configMap?.data['data.json'] ?? '{}') as { users: unknown[] }).users).toHaveLength(120);
  });

  it.each([
    [['--emit', 'docker'], /--emit docker is not supported\.\nFix: Use --emit k6-operator/],
    [['--emit', 'k6-operator', '--base-url', 'http://x', '--parallelism', '0'], /--parallelism 0 is not a whole number from 1 to 1000\./],
    [['--emit', 'k6-operator', '--base-url', 'http://x', '--profile', 'huge'], /--profile huge is not a load profile\.\nFix: Use one of: smoke, load, stress, spike, soak\./],
  ])('refuses %j with the fix (exit 2)', async (args, message) => {
    const r = await runCli(['load', ...args, ...(args.includes('--base-url') ? [] : ['--base-url', 'http://x'])], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
