import { describe, expect, it } from 'vitest';
import { readMutationReport } from './report.ts';

const at = (line: number) => ({ start: { line, column: 3 }, end: { line, column: 9 } });
const mutant = (id: string, status: string, line: number, extra: Record<string, unknown> = {}) => ({ id, mutatorName: 'EqualityOperator', replacement: 'a > b', location: at(line), status, ...extra });

/** A report in the mutation-testing-report-schema, with every status that matters for the score. */
const report = {
  schemaVersion: '2',
  thresholds: { high: 80, low: 60 },
  files: {
    'src/b.ts': { language: 'typescript', source: 'x', mutants: [mutant('1', 'Killed', 1), mutant('2', 'Timeout', 2), mutant('3', 'Survived', 9), mutant('4', 'NoCoverage', 4)] },
    'src/a.ts': { language: 'typescript', source: 'x', mutants: [mutant('5', 'Killed', 1), mutant('6', 'CompileError', 2), mutant('7', 'Ignored', 3), mutant('8', 'RuntimeError', 4), mutant('9', 'Survived', 7, { replacement: undefined })] },
  },
};

describe('readMutationReport', () => {
  it('scores detected (killed, timed out) over valid mutants: ignored and erroring ones do not count', () => {
    const summary = readMutationReport(JSON.stringify(report));
    expect(summary).toMatchObject({ killed: 2, timeout: 1, survived: 2, noCoverage: 1, valid: 6, score: 50, scoreCovered: 60 });
  });

  it('lists survivors and uncovered mutants by file and line, with the replacement when the report has it', () => {
    expect(readMutationReport(JSON.stringify(report)).survivors).toEqual([
      { file: 'src/a.ts', line: 7, column: 3, mutator: 'EqualityOperator', status: 'Survived' },
      { file: 'src/b.ts', line: 4, column: 3, mutator: 'EqualityOperator', replacement: 'a > b', status: 'NoCoverage' },
      { file: 'src/b.ts', line: 9, column: 3, mutator: 'EqualityOperator', replacement: 'a > b', status: 'Survived' },
    ]);
  });

  it('names the problem when the file is not such a report', () => {
    expect(() => readMutationReport('{"nope": 1}')).toThrow(/not a mutation-testing-report-schema report \(no "files" object\): configure the tool's JSON reporter/);
    expect(() => readMutationReport('<html>')).toThrow(/^not JSON/);
  });
});
