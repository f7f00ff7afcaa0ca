import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readJUnit } from '../results/junit-reader.ts';
import { readCobertura } from './cobertura.ts';
import { readLcov } from './lcov.ts';
import { summarise } from './types.ts';

const fixture = (name: string) => readFile(fileURLToPath(new URL(`../../test/fixtures/coverage/${name}`, import.meta.url)), 'utf8');

describe('coverage reports of foreign targets', () => {
  it('reads the Cobertura XML coverage.py wrote (recorded): lines, branches from condition-coverage', async () => {
    const files = readCobertura(await fixture('cobertura-python.xml'));
    expect(files.map((f) => f.file)).toEqual(['app/__init__.py', 'app/rules.py']);
    expect(files[1]).toEqual({ file: 'app/rules.py', lines: { covered: 14, total: 15 }, branches: { covered: 6, total: 9 }, functions: { covered: 0, total: 0 } });
    // the same figures coverage.py itself put in the root element: line-rate 0.9333, branch-rate 0.6667
    expect(summarise(files)).toMatchObject({ lines: 93.33, branches: 66.67, functions: 100 });
  });

  it('reads the JUnit XML pytest wrote (recorded) into checks', async () => {
    const checks = readJUnit(await fixture('junit-pytest.xml'), 'unit');
    expect(checks.map((c) => [c.title, c.status])).toEqual([
      ['tests.test_rules › test_retry_after_rounds_up', 'passed'],
      ['tests.test_rules › test_normalise_account', 'passed'],
      ['tests.test_rules › test_password_problems', 'passed'],
    ]);
  });

  it('reads lcov (node --test, c8, nyc …) and leaves test files out of the totals', async () => {
    const lcov = ['TN:', 'SF:lib/rules.mjs', 'FNF:2', 'FNH:1', 'BRF:4', 'BRH:3', 'DA:1,1', 'DA:2,0', 'LF:2', 'LH:1', 'end_of_record', 'SF:test/rules.test.mjs', 'FNF:1', 'FNH:1', 'BRF:0', 'BRH:0', 'DA:1,1', 'LF:1', 'LH:1', 'end_of_record', ''].join('\n');
    const files = await readLcov(lcov);
    expect(files).toHaveLength(2);
    expect(summarise(files, ['(^|/)test/'])).toEqual({ files: [files[0]], lines: 50, branches: 75, functions: 50 });
    await expect(readLcov('<coverage/>')).rejects.toThrow(/not an lcov tracefile/);
  });

  it('refuses what is not Cobertura', () => {
    expect(() => readCobertura('<testsuites/>')).toThrow('not a Cobertura report: no <coverage> root element');
  });
});
