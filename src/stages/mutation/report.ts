import { calculateMutationTestMetrics } from 'mutation-testing-metrics';
import type { MutationTestResult } from 'mutation-testing-report-schema';

/** A mutant the suites let live: the code could change like this and no test would notice. */
export interface Survivor {
  file: string;
  line: number;
  column: number;
  mutator: string;
  /** The code the mutant put in, when the report says. */
  replacement?: string;
  status: 'Survived' | 'NoCoverage';
}

export interface MutationSummary {
  /** Percent of valid mutants detected (killed or timed out), two decimals. */
  score: number;
  /** The same, over mutants some test covered. */
  scoreCovered: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants that count for the score (not ignored, no compile or runtime error). */
  valid: number;
  survivors: Survivor[];
}

const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : 0);

/**
 * Reads a report in the mutation-testing-report-schema (Stryker's json reporter writes it; so do
 * Stryker.NET, Stryker4s, Infection and others), with the schema's own metrics library computing the
 * score the way every tool of that family shows it.
 */
export function readMutationReport(text: string): MutationSummary {
  let report: MutationTestResult;
  try {
    report = JSON.parse(text) as MutationTestResult;
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  if (!report || typeof report !== 'object' || typeof report.files !== 'object' || report.files === null) {
    throw new Error('not a mutation-testing-report-schema report (no "files" object): configure the tool\'s JSON reporter (Stryker: reporters: ["json"])');
  }
  const metrics = calculateMutationTestMetrics(report).systemUnderTestMetrics.metrics;
  const survivors: Survivor[] = [];
  for (const [file, result] of Object.entries(report.files)) {
    for (const m of result.mutants ?? []) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      survivors.push({ file, line: m.location.start.line, column: m.location.start.column, mutator: m.mutatorName, ...(m.replacement === undefined ? {} : { replacement: m.replacement }), status: m.status });
    }
  }
  survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return {
    score: round(metrics.mutationScore),
    scoreCovered: round(metrics.mutationScoreBasedOnCoveredCode),
    killed: metrics.killed,
    timeout: metrics.timeout,
    survived: metrics.survived,
    noCoverage: metrics.noCoverage,
    valid: metrics.totalValid,
    survivors,
  };
}
