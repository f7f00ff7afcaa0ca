import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

/**
 * The second example target (plain Node http in JavaScript, Token auth, { data } envelopes) through
 * the contract and security stages with its config alone: the engine knows nothing of it.
 */
const CONFIG = path.join(ROOT, 'examples/notes-api/gauntlet.config.ts');

async function gate(args: string[]) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-notes-'));
  const r = await runCli(['run', '--config', CONFIG, '--stages', 'unit,contract,security', '--reports', reports, ...args], { cwd: ROOT, timeoutMs: 180_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const failed = result.stages.flatMap((s) => s.checks.filter((c) => c.status === 'failed'));
  return { ...r, result, failed };
}

describe('notes-api, the second example target', () => {
  it('passes its own unit tests (node --test: JUnit and lcov ingested, coverage gated), the contract and the security stages, from its config alone', async () => {
    const r = await gate([]);
    expect(r.failed.map((c) => `${c.id}\n${c.message}`)).toEqual([]);
    expect(r.code).toBe(0);
    const checks = r.result.stages.flatMap((s) => s.checks);
    expect(checks.filter((c) => c.status === 'skipped').map((c) => c.id)).toEqual([]);
    expect(checks.find((c) => c.id === 'contract:persistence')?.status).toBe('passed');
    expect(checks.find((c) => c.id === 'security:auth:refresh-reuse')?.status).toBe('passed');
    expect(checks.find((c) => c.id === 'security:rate-limit:login:key-variants')?.status).toBe('passed');
    expect(r.result.gates.find((g) => g.name === 'apiCoverage.operations')).toMatchObject({ actual: 100, passed: true });
    expect(checks.filter((c) => c.id.startsWith('unit:test:')).length).toBe(4);
    expect(checks.find((c) => c.id === 'unit:coverage')?.title).toMatch(/^code coverage \(lcov\): 100% of lines, \d+(\.\d+)?% of branches, 100% of functions in 1 files$/);
    expect(r.result.gates.find((g) => g.name === 'coverage.lines')).toMatchObject({ comparator: '>=', threshold: 90, passed: true });
  }, 180_000);

  it('with its ownership check removed, fails the object-level authorization checks and nothing else', async () => {
    const r = await gate(['--flaw', 'no-ownership-check']);
    expect(r.code).toBe(1);
    expect(r.failed.map((c) => c.id).sort()).toEqual(['security:authz:object:DELETE /notes/{noteId}', 'security:authz:object:GET /notes/{noteId}', 'security:authz:object:PATCH /notes/{noteId}']);
    expect(r.failed.find((c) => c.id === 'security:authz:object:GET /notes/{noteId}')?.message).toMatch(/^user B got 200 on user A's \/notes\/[0-9a-f-]+ \(which an anonymous request cannot read: 401\): broken object-level authorization/);
    expect(r.failed.find((c) => c.id === 'security:authz:object:PATCH /notes/{noteId}')?.message).toMatch(/^user B's PATCH \/notes\/[0-9a-f-]+ answered 200 and changed user A's resource \(A's GET \/notes\/\{noteId\} shows it\)/);
    expect(r.failed.find((c) => c.id === 'security:authz:object:DELETE /notes/{noteId}')?.message).toMatch(/^user B's DELETE \/notes\/[0-9a-f-]+ answered 204 and user A's GET \/notes\/\{noteId\} now answers 404: B deleted A's resource/);
  }, 180_000);

  it('with a negative offset reaching SQL, fails the boundary check of GET /notes and nothing else', async () => {
    const r = await gate(['--flaw', 'negative-offset-500']);
    expect(r.code).toBe(1);
    expect(r.failed.map((c) => c.id)).toEqual(['contract:GET /notes:boundaries']);
    expect(r.failed[0]?.message).toMatch(/^answered 500: a server error, for query\.offset = below the minimum \(-1\)\nreproduce: curl -i -X GET '[^']*offset=-1'/);
  }, 180_000);
});
