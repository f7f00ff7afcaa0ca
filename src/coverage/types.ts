export interface Counts {
  covered: number;
  total: number;
}

export interface FileCoverage {
  file: string;
  lines: Counts;
  branches: Counts;
  functions: Counts;
}

/** Coverage of one run, whatever tool measured it: per file, and the totals in percent. */
export interface CoverageSummary {
  files: FileCoverage[];
  /** Percent (0–100, two decimals); 100 when there is nothing to cover of that kind. */
  lines: number;
  branches: number;
  functions: number;
}

const pct = (c: Counts) => (c.total === 0 ? 100 : Math.round((c.covered / c.total) * 10_000) / 100);
const sum = (files: FileCoverage[], key: 'lines' | 'branches' | 'functions'): Counts => files.reduce((acc, f) => ({ covered: acc.covered + f[key].covered, total: acc.total + f[key].total }), { covered: 0, total: 0 });

/** Totals over the files that are not excluded (regular expressions on the path, e.g. test files). */
export function summarise(files: FileCoverage[], exclude: string[] = []): CoverageSummary {
  const patterns = exclude.map((p) => new RegExp(p));
  const kept = files.filter((f) => !patterns.some((p) => p.test(f.file.replaceAll('\\', '/'))));
  return { files: kept, lines: pct(sum(kept, 'lines')), branches: pct(sum(kept, 'branches')), functions: pct(sum(kept, 'functions')) };
}

/** Regular expressions on file paths left out of the totals by default: test files of the usual layouts. */
export const TEST_FILE_PATTERNS = ['(^|/)(tests?|__tests__)/', '\\.(test|spec)\\.[cm]?[jt]sx?$', '(^|/)test_[^/]*\\.py$'];
