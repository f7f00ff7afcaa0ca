import { defineConfig } from '../../src/config/define-config.ts';

/**
 * Written by `gauntlet init` from the OpenAPI document of cookbook-api: 20 operations, 13 of them secured.
 * Everything below is plain config: correct whatever init guessed wrong. The README lists every key.
 */
export default defineConfig({
  target: {
    name: 'cookbook-api',
    start: { command: 'node server.mjs', cwd: '.', env: { JWT_SECRET: 'cookbook-test-secret-0123456789abcdef0123' } },
    // The names of the env vars the target reads for Postgres, Redis and its port.
    env: { databaseUrl: 'DATABASE_URL', redisUrl: 'REDIS_URL', port: 'PORT' },
    migrate: { command: 'node migrate.mjs', cwd: '.' },
    health: { path: '/api/health' }, // init checked: the started target answered 2xx here
    openapi: { url: '/api/openapi.json' },
    flaws: { enableEnv: { COOKBOOK_ALLOW_FLAWS: '1' }, namesEnv: 'COOKBOOK_FLAWS' },
    auth: {
      register: { path: '/api/users', body: { user: { username: '{{username}}', email: '{{email}}', password: '{{password}}', phone: '{{phone}}' } } },
      login: { path: '/api/users/login', body: { user: { email: '{{email}}', password: '{{password}}' } } },
      token: { path: 'user.token' }, // where the login answer carried it when init logged in
      header: { name: 'Authorization', scheme: 'Token' }, // "Token <token>" is what the API accepted when init logged in
      logout: { path: '/api/users/logout', body: {} },
    },
  },
  environment: { default: 'auto' },
  stages: {
    security: {
      probe: 'GET /user',
      // Owned resources, tried by a second user (object-level authorization):
      //   POST /cooks/{username}/follow
      //   DELETE /cooks/{username}/follow
      //   PUT /recipes/{slug}
      //   DELETE /recipes/{slug}
      //   POST /recipes/{slug}/like
      //   DELETE /recipes/{slug}/like
      //   POST /recipes/{slug}/reviews
      //   DELETE /recipes/{slug}/reviews/{id}
      jwt: { secret: 'cookbook-test-secret-0123456789abcdef0123' },
      // rateLimits: [{ name: 'login', operation: 'POST /users/login', limit: 5, windowSeconds: 60, key: 'account' }],  // your limit and window
    },
  },
});
