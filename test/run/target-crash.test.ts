import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

/**
 * A target that answers 200 and then dies (companion-api's crash-after-reply flaw: an unawaited task
 * throws after the reply). Gauntlet observes the exit itself, names the requests just before it,
 * restarts the target on the same database and goes on: every crash is a failed check, the run
 * exits 1 (a finding, not a broken run) and writes every report.
 */
describe('a target that crashes while it is tested', () => {
  it('each crash is a failed check naming the requests before it; the target is restarted, the stages go on, every report is written, exit 1', async () => {
    const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-crash-'));
    const r = await runCli(['run', '--stages', 'contract', '--no-coverage', '--flaw', 'crash-after-reply', '--reports', reports], { cwd: ROOT, timeoutMs: 300_000 });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    for (const file of ['results.json', 'junit.xml', 'summary.md', 'index.html']) expect(existsSync(path.join(reports, file)), file).toBe(true);
    const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
    expect(result.error).toBeUndefined();
    const checks = result.stages.flatMap((s) => s.checks);
    const crashes = checks.filter((c) => /^contract:target-crashed:\d+$/.test(c.id));
    expect(crashes.length).toBeGreaterThanOrEqual(2);
    for (const crash of crashes) {
      expect(crash).toMatchObject({ status: 'failed', severity: 'bug' });
      expect(crash.message).toMatch(/^companion-api exited with code 1 during the contract stage \(crash \d+\); it was restarted on the same database in \d+ ms, and the run went on\./);
      expect(crash.message).toMatch(/requests just before \(newest last\):\n {2}(GET|POST|PUT|PATCH|DELETE) http:\/\/127\.0\.0\.1:\d+\/\S* → \S+/);
      // The one whose late work killed it is among them.
      expect((crash.evidence as { requestsBefore: { method: string; url: string; outcome: string }[] }).requestsBefore).toContainEqual(expect.objectContaining({ method: 'GET', url: expect.stringMatching(/\/progress$/), outcome: '200' }));
      expect(crash.message).toContain('streak recalculation failed');
    }
    // Nothing else failed: the requests the deaths cut off were sent again to the restarted target.
    expect(checks.filter((c) => c.status === 'failed' && !crashes.includes(c)).map((c) => c.id)).toEqual([]);
  }, 300_000);
});

/**
 * A target that dies and is not started again (its crash budget, target.crashRestarts, used up):
 * the run never ends as a broken run (exit 2, GAUNTLET_INTERNAL). Every finding the stage had made
 * is kept, the death and the unanswered request are findings, later stages are skipped with the
 * reason, and the run exits 1 (issue #27, item 4).
 */
describe('a target that stops answering', () => {
  it('is a finding: the findings before it are kept, the later stages skipped with the reason, exit 1', async () => {
    const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-gone-'));
    const reach = path.join(ROOT, 'test/fixtures/reach');
    const r = await runCli(['run', '--stages', 'contract,security', '--no-coverage', '--reports', reports], { cwd: reach, env: { REACH_FLAWS: 'order-kills,shop-name-cut', REACH_CRASH_RESTARTS: '0' }, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/GAUNTLET_INTERNAL/);
    const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
    expect(result.error).toBeUndefined();
    const [contract, security] = result.stages;
    const failed = contract?.checks.filter((c) => c.status === 'failed').map((c) => c.id);
    // The read-your-writes findings made before the death are in the report, then the death and what it left.
    expect(failed).toEqual(['contract:POST /shops/:read-your-writes', 'contract:POST /shops/:listed', 'contract:target-crashed:1', 'contract:target-unreachable']);
    expect(contract?.checks.find((c) => c.id === 'contract:target-unreachable')).toMatchObject({
      severity: 'bug',
      message: expect.stringMatching(/^reach stopped answering during the contract stage: it exited with code 1 \(crash 1\) and was not restarted: target\.crashRestarts restarts were used up \(target\.crashRestarts is 0; raise it in gauntlet\.config\.ts[^\n]*\nthe request that found it: \w+ http:\/\/127\.0\.0\.1:\d+\/\S*: no answer/),
    });
    expect(security).toMatchObject({ status: 'skipped', reason: 'not run: reach stopped answering in the contract stage (contract:target-unreachable)' });
    expect(contract?.checks.filter((c) => c.status === 'passed').length).toBeGreaterThan(20);
  }, 150_000);
});
