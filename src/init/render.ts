import type { Inferred } from './infer.ts';

export interface InitAnswers {
  /** How `import { defineConfig } from '…'` names the engine from where the file is written; undefined: nothing to import (Gauntlet ran through npx). */
  importFrom: string | undefined;
  name: string;
  start: string;
  /** Relative to the config file. */
  cwd: string;
  migrate?: string;
  env: Record<string, string>;
  /** `{ url }` (a path on the target) or `{ file }` (relative to the config file). */
  openapi: { url: string } | { file: string };
  /** The database URL scheme the target came up with, when not `postgres://`. */
  databaseScheme?: string;
  upstreams: { name: string; handlers: string; env: string }[];
}

/** A value as TypeScript source: single-quoted strings, bare keys where they are identifiers. */
function js(value: unknown): string {
  if (typeof value === 'string') return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
  if (Array.isArray(value)) return `[${value.map(js).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : js(k)}: ${js(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

/** A commented gauntlet.config.ts: what was given, what was inferred (and why), and what to check. */
export function renderConfig(inferred: Inferred, answers: InitAnswers): string {
  const lines: string[] = [];
  const line = (s = '') => lines.push(s);
  if (answers.importFrom) line(`import { defineConfig } from '${answers.importFrom}';`);
  else {
    line('// Gauntlet ran through npx and is not installed in this project, so there is nothing to import (a path');
    line("// into npx's cache would break when the cache is cleared). `npm i -D <gauntlet>` gives the config its types:");
    line("// then write `import { defineConfig } from 'gauntlet/config';` instead of this line.");
    line('const defineConfig = <T>(config: T): T => config;');
  }
  line();
  line('/**');
  line(` * Written by \`gauntlet init\` from the OpenAPI document of ${inferred.title}: ${inferred.operations} operations, ${inferred.secured} of them secured.`);
  line(' * Everything below is plain config: correct whatever init guessed wrong. The README lists every key.');
  for (const note of inferred.notes) line(` * TO CHECK: ${note}.`);
  line(' */');
  line('export default defineConfig({');
  line('  target: {');
  line(`    name: ${js(answers.name)},`);
  line(`    start: { command: ${js(answers.start)}, cwd: ${js(answers.cwd)}${Object.keys(answers.env).length ? `, env: ${js(answers.env)}` : ''} },`);
  line("    // The names of the env vars the target reads for Postgres, Redis and its port.");
  if (answers.databaseScheme) line(`    env: { databaseUrl: { name: 'DATABASE_URL', scheme: ${js(answers.databaseScheme)} }, redisUrl: 'REDIS_URL', port: 'PORT' }, // init checked: it did not come up with postgres://, and did with ${answers.databaseScheme}://`);
  else line("    env: { databaseUrl: 'DATABASE_URL', redisUrl: 'REDIS_URL', port: 'PORT' },");
  if (answers.migrate) line(`    migrate: { command: ${js(answers.migrate)}, cwd: ${js(answers.cwd)} },`);
  else line("    // migrate: { command: 'alembic upgrade head' },  // runs against a template database, cloned per run");
  // No health operation documented: the OpenAPI document's own path answers 200 once the app is up.
  const health = inferred.health.found ? inferred.health.path : 'url' in answers.openapi ? answers.openapi.url : '/';
  const status = inferred.health.status;
  const healthNote = status
    ? ` // init checked: nothing answers 2xx without a login, and ${health} answers ${status} once the app is up`
    : inferred.health.checked
      ? ' // init checked: the started target answered 2xx here'
      : inferred.health.found
        ? ''
        : ` // no health operation in the document: ${'url' in answers.openapi ? 'the OpenAPI document answers once the app is up' : 'check that / answers 200 once the app is up'}`;
  line(`    health: { path: ${js(health)}${status ? `, status: ${status}` : ''} },${healthNote}`);
  line(`    openapi: ${js(answers.openapi)},`);
  if (inferred.login) {
    line('    auth: {');
    if (inferred.register) line(`      register: { path: ${js(inferred.register.path)}, body: ${js(inferred.register.body)} },`);
    line(`      login: { path: ${js(inferred.login.path)}, body: ${js(inferred.login.body)}${inferred.login.encoding ? `, encoding: ${js(inferred.login.encoding)}` : ''} },`);
    if (inferred.cookie) line(`      token: { cookie: ${js(inferred.cookie)} }, // the security scheme is an API key in this cookie`);
    else line(`      token: { path: ${js(inferred.tokenPath ?? 'accessToken')} },${inferred.tokenChecked ? ' // where the login answer carried it when init logged in' : inferred.tokenPath ? '' : ' // not found in the login response: check it'}`);
    if (inferred.header) line(`      header: { name: ${js(inferred.header.name)}, scheme: ${js(inferred.header.scheme)} }, // ${inferred.header.why}`);
    if (inferred.refreshTokenPath) line(`      refreshToken: { path: ${js(inferred.refreshTokenPath)} },`);
    if (inferred.refresh) line(`      refresh: { path: ${js(inferred.refresh.path)}, body: ${js(inferred.refresh.body)} },`);
    if (inferred.logout) line(`      logout: { path: ${js(inferred.logout.path)}, body: ${js(inferred.logout.body)} },`);
    if (inferred.deleteAccount) line(`      deleteAccount: { method: 'DELETE', path: ${js(inferred.deleteAccount.path)} },`);
    line('    },');
  } else {
    line('    // auth: no login operation found. Configure register/login/token to test secured operations as a user.');
  }
  line('  },');
  if (answers.upstreams.length) line(`  upstreams: ${js(answers.upstreams)},`);
  line("  environment: { default: 'auto' },");
  line('  stages: {');
  line('    security: {');
  if (inferred.probe) line(`      probe: ${js(inferred.probe)},`);
  if (inferred.ownedResources.length) {
    line('      // Owned resources, tried by a second user (object-level authorization):');
    for (const id of inferred.ownedResources) line(`      //   ${id}`);
  }
  if (inferred.adminOperations.length) {
    line(`      // Admin-only (they document 403): ${inferred.adminOperations.join(', ')}`);
    // Without an admin these are never reached (their valid request answers 403): every stage sends them as this user.
    line("      // admin: { credentials: { email: '<an account your test setup makes an admin>', password: '<its password>' } },  // reaches the admin-only operations");
  }
  line("      // jwt: { secret: '<the signing secret the target gets in tests>' },  // enables the expired-token check");
  // The example names the API's own login operation (an operation that does not exist would be refused).
  const limited = inferred.loginOperation;
  line(limited ? `      // rateLimits: [{ name: 'login', operation: ${js(limited)}, limit: 5, windowSeconds: 60, key: 'account' }],  // your limit and window` : "      // rateLimits: [{ name: '…', operation: 'METHOD /path', limit: 5, windowSeconds: 60, key: 'user' }],  // an operation of your API");
  line('    },');
  line('  },');
  line('});');
  return `${lines.join('\n')}\n`;
}
