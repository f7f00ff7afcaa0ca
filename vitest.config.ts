import { configDefaults, defineConfig } from 'vitest/config';

/**
 * What takes minutes: the flaw matrices (each seeded flaw changes the target, and each is caught by
 * its named check), real k6 runs, the compose environment's image builds, notes-api's gate runs.
 * Not in npm test (kept near ten minutes); npm run test:slow runs them, and so does .ci/run.
 */
const SLOW = [
  'test/companion-api/flaws.test.ts',
  'test/security/security-flaws.test.ts',
  'test/e2e/e2e-flaws.test.ts',
  'test/load/load-stage.test.ts',
  'test/environments/compose.test.ts',
  'test/examples/notes-api.test.ts',
  'test/examples/cookbook-api.test.ts',
  'test/run/seeds.test.ts',
  // Over a minute each on two cores (gauntlet init against three targets, env up/down for every kind,
  // the partial-update flaws): npm test keeps its headroom under ten minutes, .ci/run runs them all.
  'test/init/init.test.ts',
  'test/cli/env-up-down.test.ts',
  'test/contract/partial-update.test.ts',
  // The security stage on the reach fixture, a target killed mid-run with the crash budget used up, and
  // an e2e suite interrupted at its timeout (40 s of waiting for it).
  'test/security/reach-security.test.ts',
  'test/run/target-crash.test.ts',
  'test/e2e/interrupted-suite.test.ts',
  // The contract stage's reach on the reach fixture (three minutes with Docker up), and the baseline's
  // runs: npm test took 12 minutes in CI with them.
  'test/contract/reach.test.ts',
  'test/run/baseline.test.ts',
];

const integration = {
  environment: 'node' as const,
  globalSetup: ['./src/vitest/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 240_000,
  // Tests marked concurrent (the security flaw matrix) run two at a time: two cores.
  maxConcurrency: 2,
};

export default defineConfig({
  test: {
    // Two test files at a time on these 2-core machines (vitest's default is cores - 1): most files
    // wait on child processes (targets, k6 pacing), so two overlap well; measured 10.4 min against 13.
    maxWorkers: 2,
    // Console for people, JSON for .ci/run's closing line. A stage that passes --reporter overrides both.
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    projects: [
      {
        // The example target's pure modules, with msw for its upstreams. The gate's unit stage runs this project.
        test: { name: 'unit', include: ['suites/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        // The engine's own pure modules, beside the code.
        // 30 s, not vitest's 5 s: a few of them load TypeScript (tsx) or parse a document, which takes
        // seconds on a loaded 2-core runner; none waits on time, so a real hang still fails.
        test: { name: 'engine', include: ['src/**/*.test.ts', 'factories/**/*.test.ts'], environment: 'node', testTimeout: 30_000 },
      },
      {
        // Hand-written contracts: run by the contract stage (which sets GAUNTLET_CONTEXT), or alone
        // (the globalSetup then starts the environment and the target itself).
        test: { name: 'contracts', include: ['contracts/**/*.test.ts'], environment: 'node', globalSetup: ['./src/vitest/global-setup.ts'], hookTimeout: 240_000 },
      },
      {
        // Hand-written security tests: run by the security stage (stages.security.tests), or alone.
        test: { name: 'security', include: ['security/**/*.test.ts'], environment: 'node', globalSetup: ['./src/vitest/global-setup.ts'], hookTimeout: 240_000 },
      },
      {
        // Journeys and fault scenarios (suites/e2e): run by the e2e stage, or alone (the globalSetup
        // starts the environment). One file at a time: a fault scenario stops Redis or Postgres under
        // the shared target, which must not hit another journey mid-step.
        test: { name: 'e2e', include: ['suites/e2e/**/*.test.ts'], environment: 'node', globalSetup: ['./src/vitest/global-setup.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 240_000 },
      },
      {
        // Real Postgres, Redis, processes, containers and the CLI. The globalSetup starts the
        // environment and the example target once; files get clean databases by template clone.
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // Fixture projects' own tests are run by the tests that use them (Stryker on test/fixtures/mutation);
          // the installed-package and kill tests have their own config (vitest.slow.config.ts), and the
          // slow integration tests their own project: both are npm run test:slow.
          exclude: [...configDefaults.exclude, 'test/fixtures/**', 'test/package/**', 'test/reliability/**', 'test/load/volume.test.ts', ...SLOW],
          ...integration,
        },
      },
      {
        // The slow integration tests (SLOW above): about ten minutes of their own.
        test: { name: 'slow', include: SLOW, ...integration },
      },
    ],
  },
});
