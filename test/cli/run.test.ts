import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { runCli } from '../helpers/cli.ts';

/** `gauntlet run` on the tiny fixture project: exit codes, console and the three report files. */
async function run(args: string[], env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-test-'));
  const result = await runCli(['run', ...args], { env: { TINY_REPORTS: path.join(dir, 'reports'), TINY_OUT: path.join(dir, 'out'), ...env } });
  const read = (file: string) => readFile(path.join(dir, 'reports', file), 'utf8');
  return { ...result, read, json: async () => JSON.parse(await read('results.json')) as RunResult };
}

describe('gauntlet run', () => {
  it('passes (exit 0) when the unit stage passes, reporting stages that cannot run as skipped, with the reason', async () => {
    const r = await run([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/environment native ready in \d+ ms/);
    expect(r.stdout).toMatch(/target tiny healthy at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('✓ passed unit: 1 passed, 0 failed, 0 skipped');
    expect(r.stdout).toContain('- skipped contract: 0 passed, 0 failed, 0 skipped — no target.openapi in gauntlet.config.ts');
    expect(r.stdout).toContain('- skipped security: 0 passed, 0 failed, 0 skipped — no target.openapi in gauntlet.config.ts');
    expect(r.stdout).toContain('- skipped e2e: 0 passed, 0 failed, 0 skipped — no stages.e2e in gauntlet.config.ts');
    expect(r.stdout).toContain('PASSED');
    const result = await r.json();
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['unit', 'passed'],
      ['contract', 'skipped'],
      ['security', 'skipped'],
      ['e2e', 'skipped'],
      ['load', 'skipped'],
      ['mutation', 'skipped'],
    ]);
    // the unit command got a migrated clone of the database
    expect(result.stages[0]?.checks[0]).toMatchObject({ status: 'passed', title: 'tiny › database is a migrated clone (1 item)' });
    expect(result.gates).toEqual([
      { name: 'stages.ran', comparator: '>=', threshold: 1, actual: 1, passed: true },
      { name: 'unit.failedChecks', comparator: '<=', threshold: 0, actual: 0, passed: true },
    ]);
    expect(await r.read('junit.xml')).toContain('<testcase classname="gauntlet.unit" name="tiny › database is a migrated clone (1 item)"');
    expect(await r.read('summary.md')).toContain('# Gauntlet: ✅ passed');
    expect(await r.read('tiny.log')).toMatch(/^tiny listening on \d+$/m); // the target's own log is kept
    expect(await r.read('services/postgres.log')).toContain('database system is ready to accept connections');
  });

  it('fails (exit 1) when a unit test fails, naming the check in every report', async () => {
    const r = await run(['--stages', 'unit'], { TINY_UNIT: 'fail' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ [bug] tiny › adds numbers');
    expect(r.stdout).toContain('Failed checks: 1 bug, 0 deviations from the document');
    expect(r.stdout).toContain('FAIL unit.failedChecks: 1 (must be <= 0)');
    const result = await r.json();
    expect(result.passed).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stages[0]?.checks.find((c) => c.status === 'failed')).toMatchObject({ title: 'tiny › adds numbers', message: expect.stringContaining('expected 3 to be 4') });
    expect(await r.read('junit.xml')).toMatch(/<failure message="expected 3 to be 4"[^>]*>/);
    expect(await r.read('summary.md')).toContain('**tiny › adds numbers**');
  });

  it('two runs at once from one folder keep their own suite reports: {{out}} is <reports>/suites/<stage> of each run', async () => {
    // A fixed `junit: 'out/junit.xml'` was shared: one run deleted or overwrote the other's JUnit (seen in CI as
    // "the contract test command did not finish: it wrote no JUnit report" beside a concurrent run).
    const [passing, failing] = await Promise.all([run(['--stages', 'unit']), run(['--stages', 'unit'], { TINY_UNIT: 'fail' })]);
    expect([passing.code, failing.code]).toEqual([0, 1]);
    expect((await passing.json()).stages[0]?.checks.map((c) => c.status)).toEqual(['passed']);
    expect((await failing.json()).stages[0]?.checks.map((c) => c.status)).toEqual(['passed', 'failed']);
    expect(await passing.read('suites/unit/junit.xml')).not.toContain('<failure');
    expect(await failing.read('suites/unit/junit.xml')).toContain('<failure message="expected 3 to be 4"');
  });

  it('fails (exit 1) when a required stage is not available or skipped: never reported as passed', async () => {
    const r = await run(['--stages', 'unit,contract,e2e,load', '--require', 'contract,e2e,load']);
    expect(r.code).toBe(1);
    const result = await r.json();
    expect(result.gates.find((g) => g.name === 'contract.required')).toMatchObject({ passed: false, message: 'required stage contract did not run: no target.openapi in gauntlet.config.ts' });
    expect(result.gates.find((g) => g.name === 'e2e.required')).toMatchObject({ passed: false, message: expect.stringContaining('required stage e2e did not run: no stages.e2e in gauntlet.config.ts') });
    expect(result.gates.find((g) => g.name === 'load.required')).toMatchObject({ passed: false, message: 'required stage load did not run: no stages.load in gauntlet.config.ts (a k6 script and its profile)' });
  });

  it('fails (exit 1) when no stage ran at all', async () => {
    const r = await run(['--stages', 'contract,load']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL stages.ran: 0 (must be >= 1) — no stage ran: nothing was checked');
  });

  it('exits 2 with the last log lines when the target dies before it is healthy', async () => {
    const r = await run([], { TINY_FAIL_START: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^GAUNTLET_TARGET_EXITED: tiny health at .* exited \(exit code 3\)/);
    expect(r.stderr).toContain('| tiny: refusing to start: TINY_FAIL_START is set');
    expect(r.stderr).toContain('Fix: ');
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack
    // The reports are written all the same, saying what happened and that no stage ran.
    const result = await r.json();
    expect(result).toMatchObject({ exitCode: 2, passed: false, error: { code: 'GAUNTLET_TARGET_EXITED' } });
    expect(result.stages.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(result.stages[1]?.reason).toMatch(/^not run: GAUNTLET_TARGET_EXITED: tiny health at /);
    expect(await r.read('summary.md')).toContain('**the run could not finish** (`gauntlet:error`)');
    expect(await r.read('junit.xml')).toContain('name="the run could not finish"');
    expect(await r.read('index.html')).toContain('GAUNTLET_TARGET_EXITED');
  });

  it('a health path the target does not serve: the timeout shows the answer and names target.health.path, not target.start', async () => {
    const r = await run(['--stages', 'unit'], { TINY_HEALTH_PATH: '/healthz' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^GAUNTLET_WAIT_TIMEOUT: tiny health at http:\/\/127\.0\.0\.1:\d+\/healthz was not ready after .*; last check: GET .*\/healthz answered 404, expected 200\./);
    expect(r.stderr).toMatch(/Fix: The target is listening, but \/healthz does not answer 200: set target\.health\.path/);
  });

  it('gives the target and its migrate command the database URL in the scheme the config names (postgresql+asyncpg)', async () => {
    const wanted = { TINY_EXPECT_SCHEME: 'postgresql+asyncpg' };
    const r = await run(['--stages', 'unit'], { ...wanted, TINY_DB_SCHEME: 'postgresql+asyncpg' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Without the scheme, the migrate command refuses postgres:// as SQLAlchemy does, and the run says so.
    const refused = await run(['--stages', 'unit'], wanted);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('tiny: refusing a postgres:// database URL: expected postgresql+asyncpg://');
  });

  it('exits 2 on an unknown stage, listing the valid ones', async () => {
    const r = await run(['--stages', 'unit,smoke']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('GAUNTLET_USAGE: --stages names unknown stage: smoke.\nFix: Stages are: unit, contract, security, e2e, load, mutation (comma-separated, e.g. --stages unit,contract).\n');
  });

  it('exits 2 on an unknown environment', async () => {
    const r = await run(['--env', 'docker']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GAUNTLET_USAGE: --env docker is not an environment.');
  });

  it('exits 2 on --flaw for a target that declares no flaws', async () => {
    const r = await run(['--flaw', 'sql-injection']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GAUNTLET_USAGE: --flaw sql-injection: the target tiny declares no seeded flaws.');
  });
});
