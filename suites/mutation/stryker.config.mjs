// @ts-check
import os from 'node:os';

/**
 * Stryker on companion-api's source, with the hand-written API contracts, security tests and journeys
 * as the tests (suites/mutation/vitest.config.ts runs the service inside the test worker, where the
 * mutants are switched on). Run by the mutation stage (stages.mutation in gauntlet.config.ts).
 *
 * GAUNTLET_MUTATION picks the run:
 * - 'full' (nightly): every module, every mutant (static ones too), from scratch; it also records the
 *   incremental baseline that pull requests start from.
 * - 'changed' (pull requests): every module, incrementally from that baseline (CI restores it with
 *   actions/cache): only mutants in changed code, or covered by changed tests, run again.
 * - unset (`npm run gate`, local runs): the auth path (authentication plugin and token service),
 *   incrementally from the last local run.
 * A whole run takes long (about 1,200 covered mutants at ~5 s each on two cores), hence the split.
 * Static mutants (code that runs while the service is built, before any test) need every test: only
 * the full run tests them.
 */
const mode = process.env.GAUNTLET_MUTATION ?? 'gate';
if (!['full', 'changed', 'gate'].includes(mode)) throw new Error(`GAUNTLET_MUTATION=${mode}: expected 'full', 'changed' or nothing`);
const service = 'examples/companion-api/src';
const everything = [
  `${service}/**/*.ts`,
  // Seeded flaws are demo code switched on only with --flaw; main.ts only wires the process; deps.ts is types.
  `!${service}/flaws/**`,
  `!${service}/main.ts`,
  `!${service}/deps.ts`,
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'suites/mutation/vitest.config.ts', related: false },
  mutate: mode === 'gate' ? [`${service}/plugins/auth.ts`, `${service}/modules/auth/token-service.ts`] : everything,
  coverageAnalysis: 'perTest',
  ignoreStatic: mode !== 'full',
  incremental: true,
  force: mode === 'full',
  incrementalFile: mode === 'gate' ? 'reports/mutation/stryker-incremental-gate.json' : 'reports/mutation/stryker-incremental.json',
  reporters: ['json', 'html', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { reportMutants: false, reportTests: false },
  tempDirName: '.stryker-tmp',
  // The sandbox is a copy of the repository: leave out what the tests never read.
  ignorePatterns: ['/reports', '/load', '/docs', '/test', '/bench', '/.github', '/examples/notes-api'],
  // One test runner per core, less one for Stryker itself, but two at least (each runs the service and its suites).
  concurrency: Math.max(2, os.availableParallelism() - 1),
  timeoutMS: 5_000,
  thresholds: { high: 80, low: 60, break: null },
};
