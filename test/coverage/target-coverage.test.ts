import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/gates/evaluate.ts';
import type { RunResult } from '../../src/results/types.ts';
import { runCli } from '../helpers/cli.ts';

const COVERED = fileURLToPath(new URL('../fixtures/covered', import.meta.url));

/** `gauntlet run --stages unit` on the covered fixture: a TypeScript target run with tsx, whose coverage Gauntlet measures. */
async function run(env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-coverage-'));
  const reports = path.join(dir, 'reports');
  const result = await runCli(['run', '--stages', 'unit'], { cwd: COVERED, env: { COVERED_REPORTS: reports, COVERED_OUT: path.join(dir, 'out'), ...env } });
  const json = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const coverage = json.stages.find((s) => s.name === 'coverage');
  return { ...result, reports, json, coverage };
}

type Files = { file: string; lines: { covered: number; total: number } }[];

/** lcov DA records of one file: line number → hits. */
function hitsByLine(lcov: string, file: string): Map<number, number> {
  const record = lcov.split('end_of_record').find((r) => new RegExp(`^SF:.*${file.replaceAll('.', '\\.')}$`, 'm').test(r)) ?? '';
  return new Map([...record.matchAll(/^DA:(\d+),(\d+)/gm)].map((m) => [Number(m[1]), Number(m[2])]));
}

describe('target coverage (target.coverage)', () => {
  it("measures a Node target out of process with NODE_V8_COVERAGE, mapped back to the TypeScript lines, and gates it at the threshold exactly", async () => {
    const r = await run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.coverage?.status).toBe('passed');
    const check = r.coverage?.checks.find((c) => c.id === 'coverage:target');
    const files = (check?.evidence as { files: Files }).files;
    expect(files.map((f) => f.file)).toEqual(['src/server.ts', 'src/unused.ts']);
    // Never loaded: every line counts, none covered.
    expect(files[1]?.lines.covered).toBe(0);
    expect(files[1]?.lines.total).toBeGreaterThan(0);

    // Source maps followed: the TypeScript lines of neverCalled (15-19) are uncovered, used() (10-13) covered.
    const lcov = await readFile(path.join(r.reports, 'coverage', 'lcov.info'), 'utf8');
    const hits = hitsByLine(lcov, 'src/server.ts');
    for (const line of [15, 16, 17, 18, 19]) expect(hits.get(line), `line ${line}`).toBe(0);
    for (const line of [10, 11, 12, 13]) expect(hits.get(line), `line ${line}`).toBeGreaterThan(0);
    await expect(readFile(path.join(r.reports, 'coverage', 'lcov-report', 'index.html'), 'utf8')).resolves.toContain('server.ts');

    // The figure is the files' lines, and the gate is >= : the measured value passes, a hundredth more fails.
    const covered = files.reduce((n, f) => n + f.lines.covered, 0);
    const total = files.reduce((n, f) => n + f.lines.total, 0);
    const measured = r.coverage?.metrics['coverage.lines'] as number;
    expect(measured).toBe(Math.round((covered / total) * 10_000) / 100);
    expect(measured).toBeLessThan(100);

    const gateAt = (lines: number) => evaluateGates(r.json.stages, { required: [], thresholds: { coverage: { lines } } }).find((g) => g.name === 'coverage.lines');
    expect(gateAt(measured)).toMatchObject({ passed: true, actual: measured });
    expect(gateAt(Math.round((measured + 0.01) * 100) / 100)).toMatchObject({ passed: false, actual: measured });

    // And through the CLI: the config's threshold a hundredth over the measured figure fails the run.
    const above = await run({ COVERED_LINES_GATE: (measured + 0.01).toFixed(2) });
    expect(above.code).toBe(1);
    expect(above.json.gates.find((g) => g.name === 'coverage.lines')).toMatchObject({ passed: false, actual: measured });
  });

  it('fails with the fix when the target is killed instead of exiting, so no coverage was written', async () => {
    const r = await run({ COVERED_IGNORE_SIGTERM: '1' });
    expect(r.code).toBe(1);
    const check = r.coverage?.checks.find((c) => c.id === 'coverage:target');
    expect(check?.status).toBe('failed');
    expect(check?.message).toMatch(/is empty\. Node writes NODE_V8_COVERAGE data when the process exits: the target must exit on SIGTERM/);
    expect(r.stdout).toContain('the target wrote its V8 coverage when it exited');
  });

  it("reads another language's coverage file after the target stopped (recorded coverage.py Cobertura, written by the report command)", async () => {
    const r = await run({ COVERED_KIND: 'file' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.coverage?.metrics).toEqual({ 'coverage.lines': 93.33, 'coverage.branches': 66.67, 'coverage.functions': 100 });
    const files = (r.coverage?.checks[0]?.evidence as { files: Files }).files;
    expect(files.map((f) => f.file)).toEqual(['app/__init__.py', 'app/rules.py']);
  });
});
