import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

/**
 * A PATCH judged by what it did to the fields it was and was not sent (contract:<op>:partial-update),
 * on notes-api: clean, and with its two PATCH flaws (a `false` read with `||`, an unsent field reset).
 */
const CONFIG = path.join(ROOT, 'examples/notes-api/gauntlet.config.ts');
const ID = 'contract:PATCH /notes/{noteId}:partial-update';

async function contract(args: string[] = []) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-patch-'));
  const r = await runCli(['run', '--config', CONFIG, '--stages', 'contract', '--no-coverage', '--reports', reports, ...args], { cwd: ROOT, timeoutMs: 120_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const checks = result.stages[0]?.checks ?? [];
  return { ...r, checks, failed: checks.filter((c) => c.status === 'failed') };
}

describe('partial updates on notes-api', () => {
  it('pass clean: pinned set both ways, text sent as it is, nothing else moves', async () => {
    const r = await contract();
    expect(r.checks.find((c) => c.id === ID)).toMatchObject({ status: 'passed' });
    expect(r.failed).toEqual([]);
  }, 150_000);

  // One run each: together they cancel out (the ignored false becomes null, which the reset turns into false).
  it('find an ignored false, with a reproduction', async () => {
    const r = await contract(['--flaw', 'patch-ignores-false']);
    expect(r.failed.map((c) => c.id)).toEqual([ID]);
    expect(r.failed[0]?.message).toMatch(/^PATCH \{"pinned":false\} answered 200, but "pinned" was sent as false and reads back as true: a false was ignored\nreproduce: curl -i -X PATCH 'http:\/\/127\.0\.0\.1:\d+\/notes\/[0-9a-f-]{36}'[^\n]*--data-raw '\{"pinned":false\}'\nthen: curl -i -X GET/);
    expect(r.code).toBe(1);
  }, 150_000);

  it('find a field the PATCH was not sent but reset', async () => {
    const r = await contract(['--flaw', 'patch-resets-pinned']);
    expect(r.failed.map((c) => c.id)).toEqual([ID]);
    expect(r.failed[0]?.message).toMatch(/^PATCH \{"text":"[^"]+"\} also changed "pinned", which it was not sent: true → false/);
  }, 150_000);
});
