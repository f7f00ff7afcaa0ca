// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'suites/mutation/vitest.config.ts', related: false },
  mutate: ['examples/companion-api/src/plugins/auth.ts', 'examples/companion-api/src/lib/rate-limit.ts', 'examples/companion-api/src/modules/auth/token-service.ts', 'examples/companion-api/src/plugins/input-hygiene.ts'],
  coverageAnalysis: 'perTest',
  reporters: ['json', 'html', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['reports', 'load/history', 'docs', 'test', 'bench', '.github'],
  concurrency: 2,
  thresholds: { high: 80, low: 60, break: null },
};
