import path from 'node:path';
import createReport from 'c8/lib/report.js';
import type { FileCoverage } from './types.ts';

export interface V8ConvertOptions {
  /** The V8 data NODE_V8_COVERAGE wrote (one JSON per process, with Node's source-map cache). */
  dataDir: string;
  /** The target's root (target.start.cwd): include/exclude globs and the reported paths are relative to it. */
  root: string;
  include: string[];
  exclude: string[];
  /** Where lcov.info and the HTML report go. */
  outputDir: string;
}

/**
 * Turns raw V8 coverage of a Node process into per-file line/branch/function figures with c8's
 * report (v8-to-istanbul underneath). It follows the source maps Node recorded with the generated
 * code's line lengths (tsx, esbuild, tsc output) back to the TypeScript, and counts files the process
 * never loaded as uncovered. Writes lcov.info and an HTML report beside.
 *
 * (monocart-coverage-reports was tried first: with tsx's in-memory output it mapped the uncovered
 * ranges onto the TypeScript source and reported 100 % of lines for every file.)
 */
export async function convertV8Coverage(options: V8ConvertOptions): Promise<FileCoverage[]> {
  const inRoot = (glob: string) => path.join(options.root, glob);
  const report = createReport({
    tempDirectory: options.dataDir,
    reportsDirectory: options.outputDir,
    reporter: ['lcov'],
    // Absolute globs (allowExternal): c8 otherwise matches paths relative to this process's cwd, not the target's.
    include: options.include.map(inRoot),
    exclude: options.exclude.map(inRoot),
    allowExternal: true,
    excludeNodeModules: true,
    excludeAfterRemap: true,
    all: true,
    src: [options.root],
    resolve: '',
  });
  await report.run();
  const map = await report.getCoverageMapFromAllCoverageFiles();
  return map.files().sort().map((file) => {
    const s = map.fileCoverageFor(file).toSummary();
    return {
      file: path.relative(options.root, file).replaceAll('\\', '/'),
      lines: { covered: s.lines.covered, total: s.lines.total },
      branches: { covered: s.branches.covered, total: s.branches.total },
      functions: { covered: s.functions.covered, total: s.functions.total },
    };
  });
}
