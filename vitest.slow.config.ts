import { defineConfig } from 'vitest/config';

/**
 * `npm run test:slow`: what takes minutes, apart from `npm test` (.ci/run runs both): Gauntlet
 * packed, installed into an empty project and used there (test/package), 30 runs killed at
 * random points, each followed by the next (test/reliability), and the volume profile with the real
 * k6 (test/load/volume.test.ts).
 */
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts', 'test/reliability/**/*.test.ts', 'test/load/volume.test.ts'],
    // One file at a time: the kill test's timings must not share the two cores with an npm install,
    // nor the volume profile's three sizes with another file's load (each size is compared with the first).
    fileParallelism: false,
    environment: 'node',
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest-slow.json' },
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
