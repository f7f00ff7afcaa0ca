import { defineConfig } from 'vitest/config';

/**
 * `npm run test:package`: Gauntlet packed, installed into an empty project and used there
 * (test/package). Apart from `npm test` because the install takes a minute; `.ci/run` runs both.
 */
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest-package.json' },
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
