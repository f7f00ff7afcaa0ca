import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

/**
 * One operation with three different server errors behind it (test/fixtures/three-errors): a quote
 * in `name`, a `%` in `tag`, a backslash in `note`. The fuzzer goes on past each failure it has
 * found, so all three are reported, each once, with its own minimal reproduction.
 */
describe('fuzzing that keeps going', () => {
  it('reports every distinct server error behind one operation, each once, the most severe first', async () => {
    const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-three-errors-'));
    const r = await runCli(['run', '--config', path.join(ROOT, 'test/fixtures/three-errors/gauntlet.config.ts'), '--stages', 'contract', '--reports', reports], { cwd: ROOT });
    expect(r.code).toBe(1);
    const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
    const fuzz = result.stages[0]?.checks.filter((c) => c.id.startsWith('contract:POST /items:fuzz')) ?? [];
    expect(fuzz.map((c) => c.id)).toEqual(['contract:POST /items:fuzz', 'contract:POST /items:fuzz:2', 'contract:POST /items:fuzz:3']);
    expect(fuzz.every((c) => c.status === 'failed' && (c.evidence as { status: number }).status === 500)).toBe(true);
    const bodies = fuzz.map((c) => (c.evidence as { body: string }).body);
    expect(bodies).toEqual(expect.arrayContaining([expect.stringContaining('syntax error at or near'), expect.stringContaining('URIError'), expect.stringContaining('invalid escape sequence')]));
  });
});
