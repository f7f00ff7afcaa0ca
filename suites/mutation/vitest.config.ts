import { defineConfig } from 'vitest/config';

// Postgres, Redis and the upstream mocks come from the mutation stage (GAUNTLET_CONTEXT) or, run
// alone, from the globalSetup; the target itself runs in the worker (in-process-target.ts).
process.env.GAUNTLET_TARGET ??= '0';
// Each journey is one test: Stryker runs a mutant's covering tests alone, and a step needs the steps before it.
process.env.GAUNTLET_JOURNEY_TESTS = 'whole';

/**
 * The suites Stryker runs against each mutant of companion-api: the hand-written API contracts,
 * security tests and journeys. Fault scenarios stay out: they stop Postgres and Redis under every
 * other test, and their recovery waits would multiply by the number of mutants.
 */
export default defineConfig({
  test: {
    include: ['contracts/**/*.test.ts', 'security/**/*.test.ts', 'suites/e2e/{chat,goals,voice-crisis,streaming}.test.ts'],
    environment: 'node',
    globalSetup: ['./src/vitest/global-setup.ts'],
    setupFiles: ['./suites/mutation/in-process-target.ts'],
    testTimeout: 30_000,
    hookTimeout: 240_000,
  },
});
