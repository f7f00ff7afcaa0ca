import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJUnitSuite } from './_junit-suite.ts';
import { expandOut, suiteOutDir, withOut } from './_suite-out.ts';

describe('{{out}} in a suite spec', () => {
  const spec = { command: ['vitest', '--outputFile.junit={{out}}/junit.xml'], cwd: '/repo', env: { COVERAGE_DIR: '{{out}}/coverage', OTHER: 'kept' }, timeoutMs: 1_000, junit: '{{out}}/junit.xml' };

  it("is the run's <reports>/suites/<stage>, in argv, env values and the junit path", () => {
    const out = suiteOutDir('/runs/r1', 'contract');
    expect(out).toBe('/runs/r1/suites/contract');
    expect(withOut(spec, out)).toEqual({
      ...spec,
      command: ['vitest', '--outputFile.junit=/runs/r1/suites/contract/junit.xml'],
      env: { COVERAGE_DIR: '/runs/r1/suites/contract/coverage', OTHER: 'kept' },
      junit: '/runs/r1/suites/contract/junit.xml',
    });
    expect(expandOut('reports/lcov.info', out)).toBe('reports/lcov.info');
  });

  it('is one shell word in a shell string, quoted when the path has a space or a quote', () => {
    const shell = { ...spec, command: 'pytest --junitxml={{out}}/junit.xml' };
    expect(withOut(shell, '/runs/r1/suites/unit').command).toBe('pytest --junitxml=/runs/r1/suites/unit/junit.xml');
    expect(withOut(shell, "/my runs/it's/suites/unit").command).toBe(`pytest --junitxml='/my runs/it'\\''s/suites/unit'/junit.xml`);
    // argv needs no quoting: the path is passed as it is
    expect(withOut(spec, '/my runs/suites/unit').command).toEqual(['vitest', '--outputFile.junit=/my runs/suites/unit/junit.xml']);
  });
});

describe('a suite whose report is missing', () => {
  it('names {{out}} as the fix when its junit path is shared by every run from the folder, and only then', async () => {
    const reportsDir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-suite-'));
    const base = { command: [process.execPath, '-e', ''], cwd: reportsDir, env: {}, timeoutMs: 20_000 };
    const fixed = await runJUnitSuite('unit', { ...base, junit: 'out/junit.xml' }, { env: {}, reportsDir });
    expect(fixed.complete).toBe(false);
    expect(fixed.checks).toEqual([expect.objectContaining({ id: 'unit:junit-report', status: 'failed', message: expect.stringMatching(/does not exist\.\nIf another Gauntlet run from .* was running meanwhile, it removed this run's report: write the report to \{\{out\}\}/) })]);
    const own = await runJUnitSuite('unit', { ...base, junit: '{{out}}/junit.xml' }, { env: {}, reportsDir });
    expect(own.checks[0]?.message).toBe(`the command exited 0\nbut ${path.join(reportsDir, 'suites/unit/junit.xml')} does not exist.`);
  });
});
