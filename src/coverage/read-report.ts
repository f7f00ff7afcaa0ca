import { readFile } from 'node:fs/promises';
import type { CheckResult } from '../results/types.ts';
import { readCobertura } from './cobertura.ts';
import { readLcov } from './lcov.ts';
import { summarise, type CoverageSummary } from './types.ts';

export type CoverageFormat = 'lcov' | 'cobertura';

export interface CoverageReading {
  result: CheckResult;
  summary?: CoverageSummary;
}

/** The figures a coverage check hands to the gates (gates.coverage.*). */
export function coverageMetrics(summary: CoverageSummary): Record<string, number> {
  return { 'coverage.lines': summary.lines, 'coverage.branches': summary.branches, 'coverage.functions': summary.functions };
}

/** A passed check carrying the per-file figures (the HTML report's coverage table reads its evidence). */
export function coverageResult(id: string, stage: string, what: string, summary: CoverageSummary): CoverageReading {
  return {
    summary,
    result: {
      id,
      stage,
      title: `code coverage (${what}): ${summary.lines}% of lines, ${summary.branches}% of branches, ${summary.functions}% of functions in ${summary.files.length} files`,
      status: 'passed',
      evidence: { files: summary.files.map((f) => ({ file: f.file, lines: f.lines, branches: f.branches, functions: f.functions })) },
    },
  };
}

/**
 * Reads an lcov or Cobertura file some tool wrote (c8, coverage.py, go tool cover via
 * gocover-cobertura ...). A missing or unreadable file is a failed check naming the fix.
 */
export async function readCoverageReport(spec: { id: string; stage: string; file: string; format: CoverageFormat; exclude: string[]; fix: string }): Promise<CoverageReading> {
  const { id, stage, file, format } = spec;
  const title = `the ${format} coverage report is written and readable`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { result: { id, stage, title, status: 'failed', message: `no coverage report at ${file}: ${spec.fix}` } };
  }
  try {
    const files = format === 'lcov' ? await readLcov(text) : readCobertura(text);
    return coverageResult(id, stage, format, summarise(files, spec.exclude));
  } catch (error) {
    return { result: { id, stage, title, status: 'failed', message: `${file}: ${(error as Error).message}` } };
  }
}
