import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * Reproduce before report (issue #27, item 1), on the reach fixture: `catalogue-cold-500` answers
 * the catalogue's first anonymous read with a 500 and every later one with a 200; `product-create-500`
 * fails every creation. The first is flaky (shown, failing no gate, the operation reached after
 * all), the second reproduced (failing); with gates.flaky 'fail' the first fails the gate too.
 */
const REACH = fileURLToPath(new URL('../fixtures/reach', import.meta.url));

async function run(env: Record<string, string>) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-reproduce-'));
  const r = await runCli(['run', '--stages', 'contract', '--no-coverage', '--reports', reports], { cwd: REACH, env, timeoutMs: 120_000 });
  const read = (file: string) => readFile(path.join(reports, file), 'utf8');
  const result = JSON.parse(await read('results.json')) as RunResult;
  const check = (id: string) => result.stages.flatMap((s) => s.checks).find((c) => c.id === id);
  return { ...r, result, check, summary: await read('summary.md'), junit: await read('junit.xml'), html: await read('index.html') };
}

describe('reproduce before report', () => {
  it('shows a failure that does not come back as flaky, failing no gate, and fails on one that does', async () => {
    const r = await run({ REACH_FLAWS: 'catalogue-cold-500,product-create-500' });
    expect(r.code).toBe(1);
    expect(r.check('contract:GET /products/:valid')).toMatchObject({ status: 'failed', replay: { outcome: 'flaky', answers: [500, 200, 200] } });
    expect(r.check('contract:POST /products/:valid')).toMatchObject({ status: 'failed', severity: 'bug', replay: { outcome: 'reproduced', answers: [500, 500] } });
    expect(r.result.gates.find((g) => g.name === 'contract.flaky')).toMatchObject({ actual: 1, passed: true });
    // Only the reproduced creation failures count; the catalogue is reached after all.
    const counted = r.result.gates.find((g) => g.name === 'contract.failedChecks')?.actual ?? 0;
    expect(counted).toBe(r.result.stages[0]?.checks.filter((c) => c.status === 'failed' && c.replay?.outcome !== 'flaky').length);
    expect(r.result.causes?.flatMap((c) => c.checks)).not.toContain('contract:GET /products/:valid');
    const reach = r.check('contract:reach')?.evidence?.operations as { operation: string; reached: boolean; status: number }[];
    expect(reach.find((row) => row.operation === 'GET /products/')).toMatchObject({ reached: true, status: 200 });
    // Every report says so.
    expect(r.stdout).toMatch(/Flaky: 1 failure did not come back when sent again \(failing no gate: gates\.flaky is report\)\n\s+flaky\s+GET \/products\/ answers a valid request as documented \(contract:GET \/products\/:valid: 500 → 200 → 200\)/);
    expect(r.summary).toMatch(/## Flaky \(1\): did not come back when sent again[\s\S]*contract:GET \/products\/:valid/);
    expect(r.junit).toMatch(/<testcase classname="gauntlet\.contract" name="GET \/products\/ answers a valid request as documented"[^>]*>\s*<skipped\/>\s*<system-out><!\[CDATA\[answered 500: a server error/);
    expect(r.html).toMatch(/Flaky: 1 failure did not come back when sent again/);
  });

  it('fails the gate on it with gates.flaky: fail', async () => {
    const r = await run({ REACH_FLAWS: 'catalogue-cold-500', REACH_FLAKY: 'fail' });
    expect(r.code).toBe(1);
    expect(r.result.gates.find((g) => g.name === 'contract.failedChecks')).toMatchObject({ actual: 1, passed: false });
    expect(r.result.stages[0]?.status).toBe('failed');
    expect(r.stdout).toContain('Flaky: 1 failure did not come back when sent again (failing the gate: gates.flaky is fail)');
    expect(r.summary).toMatch(/## Flaky \(1\): did not come back when sent again\n\nThey fail their stage's gate/);
  });

  it('passes a run whose only failure did not come back', async () => {
    const r = await run({ REACH_FLAWS: 'catalogue-cold-500' });
    expect(r.code).toBe(0);
    expect(r.result.stages[0]).toMatchObject({ status: 'passed' });
    expect(r.stdout).toMatch(/contract: \d+ passed, 0 failed, 1 flaky, \d+ skipped/);
  });
});
