import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        // Pure modules of the engine and of the example target; no services.
        test: { name: 'unit', include: ['src/**/*.test.ts', 'suites/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        // Real Postgres, Redis, processes, containers and the CLI.
        test: { name: 'integration', include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false },
      },
    ],
  },
});
