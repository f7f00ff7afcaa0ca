import lcovParse from 'lcov-parse';
import type { FileCoverage } from './types.ts';

/** lcov tracefiles (c8, nyc, node --test, Istanbul, gcov/lcov, cargo-llvm-cov …), parsed by lcov-parse. */
export function readLcov(text: string): Promise<FileCoverage[]> {
  return new Promise((resolve, reject) => {
    lcovParse(text, (error, data) => {
      if (error || !data) return reject(new Error(`not an lcov tracefile: ${String(error ?? 'no data')}`));
      resolve(
        data.map((f) => ({
          file: f.file,
          lines: { covered: f.lines.hit, total: f.lines.found },
          branches: { covered: f.branches.hit, total: f.branches.found },
          functions: { covered: f.functions.hit, total: f.functions.found },
        })),
      );
    });
  });
}
