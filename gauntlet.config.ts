import { defineConfig } from './src/index.ts';

/**
 * Gauntlet's own gate runs against the example target, companion-api. Everything the engine
 * knows about it is in this file.
 */
export default defineConfig({
  target: {
    name: 'companion-api',
    start: {
      command: ['node', '--import', 'tsx', 'src/main.ts'],
      cwd: 'examples/companion-api',
      env: { NODE_ENV: 'test', LOG_LEVEL: 'info', JWT_SECRET: 'gauntlet-test-secret-0123456789abcdef0123', CORS_ORIGINS: 'https://app.example.com' },
    },
    env: { databaseUrl: 'DATABASE_URL', redisUrl: 'REDIS_URL', port: 'PORT' },
    // For the compose environment: bundles the service so its Dockerfile can copy it.
    build: { command: ['node', 'build.mjs'], cwd: 'examples/companion-api' },
    migrate: { command: ['npx', 'node-pg-migrate', 'up', '--migrations-dir', 'migrations', '--migration-file-language', 'sql'], cwd: 'examples/companion-api' },
    health: { path: '/health', timeoutMs: 30_000 },
    flaws: { enableEnv: { COMPANION_ALLOW_FLAWS: '1' }, namesEnv: 'COMPANION_FLAWS' },
    openapi: { url: '/openapi.json' },
    auth: {
      register: { path: '/auth/register', body: { email: '{{email}}', password: '{{password}}', displayName: '{{name}}' } },
      login: { path: '/auth/login', body: { email: '{{email}}', password: '{{password}}' } },
      token: { path: 'accessToken' },
    },
  },
  upstreams: [{ name: 'llm', handlers: 'examples/companion-api/mocks/handlers.ts', env: 'LLM_BASE_URL' }],
  environment: {
    // The embedded default: local Postgres and Redis binaries, no Docker needed.
    default: 'native',
    compose: { file: 'docker-compose.test.yml', targetService: 'companion-api', targetPort: 3000 },
  },
  stages: {
    contract: {
      tests: {
        command: ['npx', 'vitest', 'run', '--project', 'contracts', '--reporter=dot', '--reporter=junit', '--outputFile.junit=reports/contracts-junit.xml'],
        junit: 'reports/contracts-junit.xml',
      },
    },
    unit: {
      command: ['npx', 'vitest', 'run', '--project', 'unit', '--reporter=dot', '--reporter=junit', '--outputFile.junit=reports/unit-junit.xml'],
      junit: 'reports/unit-junit.xml',
    },
  },
});
