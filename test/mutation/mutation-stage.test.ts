import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/gates/evaluate.ts';
import type { RunResult } from '../../src/results/types.ts';
import { runCli } from '../helpers/cli.ts';

/** `gauntlet run --stages unit,mutation` on the tiny fixture, whose mutation stage runs real Stryker on test/fixtures/mutation. */
async function run(env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-mutation-'));
  const result = await runCli(['run', '--stages', 'unit,mutation'], { env: { TINY_REPORTS: path.join(dir, 'reports'), TINY_OUT: path.join(dir, 'out'), TINY_MUTATION: '1', ...env }, timeoutMs: 180_000 });
  const read = (file: string) => readFile(path.join(dir, 'reports', file), 'utf8');
  return { ...result, read, json: JSON.parse(await read('results.json')) as RunResult };
}

describe('mutation stage (Stryker with the vitest runner)', () => {
  it('reports the score and the survivors, and gates the score: exactly at the threshold passes, a hundredth over fails', async () => {
    const r = await run({ TINY_MUTATION_GATE: '77.78' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const stage = r.json.stages.find((s) => s.name === 'mutation');
    // 9 mutants of discount.ts; the suite never checks the minimum order, so `total >= 50` → true and → `total > 50` live.
    expect(stage?.metrics).toMatchObject({ 'mutation.score': 77.78, 'mutation.killed': 7, 'mutation.survived': 2, 'mutation.mutants': 9 });
    const evidence = stage?.checks[0]?.evidence as { survivors: { file: string; line: number; mutator: string; replacement: string }[] };
    expect(evidence.survivors.map((s) => `${s.file}:${s.line} ${s.mutator} ${s.replacement}`)).toEqual(['src/discount.ts:5 ConditionalExpression true', 'src/discount.ts:5 EqualityOperator total > 50']);
    expect(r.json.gates.find((g) => g.name === 'mutation.score')).toMatchObject({ actual: 77.78, threshold: 77.78, passed: true });

    const html = await r.read('index.html');
    expect(html).toContain('Mutation testing: score 77.78 %, 2 survivors');
    expect(html).toContain('<code>total &gt; 50</code>');

    const stricter = evaluateGates(r.json.stages, { required: [], thresholds: { mutation: { score: 77.79 } } });
    expect(stricter.find((g) => g.name === 'mutation.score')).toMatchObject({ actual: 77.78, passed: false });
  });

  it('fails the stage, naming the command, when the mutation tool fails', async () => {
    const r = await runCli(['run', '--stages', 'mutation'], { env: { TINY_REPORTS: path.join(await mkdtemp(path.join(os.tmpdir(), 'gauntlet-mutation-')), 'reports'), TINY_MUTATION: 'fail' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the mutation command exits 0');
    expect(r.stdout).toMatch(/stryker/i);
  });
});
