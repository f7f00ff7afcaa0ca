import { defineConfig } from '../../src/index.ts';

/**
 * notes-api: a plain Node `http` service in JavaScript with Token auth and { data } envelopes.
 * Everything Gauntlet needs to know about it is in this file; the engine has never heard of it.
 *   npx gauntlet run --config examples/notes-api/gauntlet.config.ts --stages unit,contract,security
 */
const SECRET = 'notes-test-secret-0123456789abcdef0123456789';

export default defineConfig({
  target: {
    name: 'notes-api',
    start: {
      command: ['node', 'server.mjs'],
      env: {
        SECRET,
        ADMIN_USERNAMES: 'admin@notes.test',
        LOGIN_WINDOW_SECONDS: '3',
        NOTES_ALLOW_FLAWS: process.env.NOTES_FLAWS ? '1' : '0',
        NOTES_FLAWS: process.env.NOTES_FLAWS ?? '',
      },
    },
    env: { databaseUrl: 'DATABASE_URL', redisUrl: 'REDIS_URL', port: 'PORT' },
    migrate: { command: ['node', 'migrate.mjs'] },
    health: { path: '/health' },
    openapi: { url: '/openapi.json' },
    flaws: { enableEnv: { NOTES_ALLOW_FLAWS: '1' }, namesEnv: 'NOTES_FLAWS' },
    auth: {
      register: { path: '/signup', body: { username: '{{email}}', pass: '{{password}}', name: '{{name}}' } },
      login: { path: '/sessions', body: { username: '{{email}}', pass: '{{password}}' } },
      token: { path: 'data.session.token' },
      header: { name: 'Authorization', scheme: 'Token' },
      refreshToken: { path: 'data.session.refresh' },
      refresh: { path: '/sessions/refresh', body: { refresh: '{{refreshToken}}' } },
      logout: { path: '/sessions/end', body: { refresh: '{{refreshToken}}' } },
      deleteAccount: { method: 'DELETE', path: '/account' },
      changePassword: { path: '/account/password', body: { current: '{{password}}', next: '{{newPassword}}' } },
    },
  },
  environment: { default: 'native' },
  stages: {
    // Its own tests, with Node's built-in runner: JUnit for the checks, lcov for the coverage gate.
    unit: {
      command: ['node', '--test', '--experimental-test-coverage', '--test-reporter=junit', '--test-reporter-destination={{out}}/junit.xml', '--test-reporter=lcov', '--test-reporter-destination={{out}}/lcov.info'],
      junit: '{{out}}/junit.xml',
      coverage: { file: '{{out}}/lcov.info', format: 'lcov' },
    },
    security: {
      jwt: { secret: SECRET },
      admin: { credentials: { email: 'admin@notes.test', password: 'Notes-admin-pass-1' } },
      rateLimits: [{ name: 'login', operation: 'POST /sessions', limit: 3, windowSeconds: 3, key: 'account', accountField: 'username', body: { username: '{{email}}', pass: 'not-the-password-1' } }],
      bodyLimitBytes: 65_536,
      insecureStart: { env: { MODE: 'production', SECRET: 'notes-dev-secret' } },
    },
  },
  gates: { coverage: { lines: 90 } },
  reports: { dir: process.env.NOTES_REPORTS ?? '../../reports/notes-api' },
});
