import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { loadDocument } from '../openapi/document.ts';
import { infer } from './infer.ts';
import { renderConfig } from './render.ts';

const NOTES = fileURLToPath(new URL('../../examples/notes-api/openapi.json', import.meta.url));

describe('the header scheme word in an API key description', () => {
  it.each([
    ['Token <token>', 'Token'],
    ['Token xxxxxx', 'Token'],
    ['Send `Authorization: Token abc123.def` with every request', 'Token'],
    ['Use "Bearer {jwt}"', 'Bearer'],
    ['JWT eyJhbGciOiJIUzI1NiJ9', 'JWT'],
    ['Enter your token here', undefined],
    ['Use the Authorization header', undefined],
  ])('%j → %s', async (description, word) => {
    const { schemeWord } = await import('./infer.ts');
    expect(schemeWord(description)).toBe(word);
  });
});

describe('auth bodies wrapped in a key', () => {
  it('puts the placeholders inside the wrapper, the same for registration and login', () => {
    const user = (props: Record<string, object>, required: string[]) => ({ required: ['user'], content: { 'application/json': { schema: { type: 'object', required: ['user'], properties: { user: { type: 'object', required, properties: props } } } } } });
    const ok = { '201': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { user: { type: 'object', properties: { token: { type: 'string' } } } } } } } } };
    const doc = {
      openapi: '3.1.0',
      paths: {
        '/users': { post: { requestBody: user({ username: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } }, ['username', 'email', 'password']), responses: ok } },
        '/users/login': { post: { requestBody: user({ email: { type: 'string' }, password: { type: 'string' } }, ['email', 'password']), responses: ok } },
      },
    };
    const inferred = infer(doc as never);
    // A username of its own: letters and digits ({{username}}), not the email.
    expect(inferred.register?.body).toEqual({ user: { username: '{{username}}', email: '{{email}}', password: '{{password}}' } });
    expect(inferred.login?.body).toEqual({ user: { email: '{{email}}', password: '{{password}}' } });
    expect(inferred.tokenPath).toBe('user.token');
    // A phone at sign-up is filled ({{phone}}: the exposure checks look for it in other users' reads), unless its pattern refuses an E.164 number.
    const withPhone = (phone: object) => infer({ ...doc, paths: { ...doc.paths, '/users': { post: { requestBody: user({ email: { type: 'string' }, password: { type: 'string' }, phone }, ['email', 'password']), responses: ok } } } } as never).register?.body;
    expect(withPhone({ type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' })).toEqual({ user: { email: '{{email}}', password: '{{password}}', phone: '{{phone}}' } });
    expect(withPhone({ type: 'string', pattern: '^0[0-9]{9}$' })).toEqual({ user: { email: '{{email}}', password: '{{password}}' } });
  });
});

describe('gauntlet init inference', () => {
  it('reads the auth flow, token paths, header scheme, owned resources and admin operations of notes-api', async () => {
    const { doc } = await loadDocument({ file: NOTES }, 'http://127.0.0.1');
    expect(infer(doc)).toEqual({
      title: 'notes-api',
      operations: 14,
      secured: 10,
      health: { path: '/health', found: true },
      header: { name: 'Authorization', scheme: 'Token', why: 'security scheme "tokenAuth" is an API key in the Authorization header; its description says "Token <token>"' },
      register: { path: '/signup', body: { username: '{{email}}', pass: '{{password}}', name: '{{name}}' } },
      login: { path: '/sessions', body: { username: '{{email}}', pass: '{{password}}' } },
      tokenPath: 'data.session.token',
      refreshTokenPath: 'data.session.refresh',
      refresh: { path: '/sessions/refresh', body: { refresh: '{{refreshToken}}' } },
      logout: { path: '/sessions/end', body: { refresh: '{{refreshToken}}' } },
      deleteAccount: { method: 'DELETE', path: '/account' },
      probe: 'GET /account',
      loginOperation: 'POST /sessions',
      ownedResources: ['GET /notes/{noteId}', 'PATCH /notes/{noteId}', 'DELETE /notes/{noteId}'],
      adminOperations: ['GET /admin/stats'],
      notes: [],
    });
  });

  it('says what it could not infer, and writes valid-looking TypeScript with quotes escaped', async () => {
    const inferred = infer({ openapi: '3.1.0', info: { title: "Bob's API" }, paths: { '/items': { get: { responses: { '200': { description: 'ok' } } } } }, components: { securitySchemes: { c: { type: 'mutualTLS' } } } });
    expect(inferred.notes).toEqual(['security scheme "c" (mutualTLS) is not one init understands: set target.auth.header by hand']);
    expect(infer({ openapi: '3.1.0', paths: {}, components: { securitySchemes: { s: { type: 'apiKey', in: 'cookie', name: 'sid' } } } }).cookie).toBe('sid');
    expect(inferred.health).toEqual({ path: '/health', found: false });
    const text = renderConfig(inferred, { importFrom: 'gauntlet', name: 'bob', start: "python -c 'print(1)'", cwd: '.', env: { A: 'x' }, openapi: { url: '/openapi.json' }, upstreams: [] });
    expect(text).toContain("start: { command: 'python -c \\'print(1)\\'', cwd: '.', env: { A: 'x' } },");
    expect(text).toContain("health: { path: '/openapi.json' }, // no health operation in the document: the OpenAPI document answers once the app is up");
    expect(renderConfig(inferred, { importFrom: 'gauntlet', name: 'bob', start: 'x', cwd: '.', env: {}, openapi: { file: './openapi.yml' }, upstreams: [] })).toContain("health: { path: '/' }, // no health operation in the document: check that / answers 200 once the app is up");
    // A documented health operation under a base path is found too.
    expect(infer({ openapi: '3.1.0', paths: { '/api/v1/ping': { get: { responses: { '200': { description: 'ok' } } } } } }).health).toEqual({ path: '/api/v1/ping', found: true });
    expect(text).toContain('// auth: no login operation found.');
    expect(text).toContain("// rateLimits: [{ name: '…', operation: 'METHOD /path',");
    expect(text).toContain(' * TO CHECK: security scheme "c" (mutualTLS) is not one init understands: set target.auth.header by hand.');
  });
});

describe('the import of a written config', () => {
  it('names nothing when Gauntlet runs from npx cache, and the file still loads as a config', async () => {
    const { importFrom } = await import('../cli/commands/init.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-import-'));
    expect(importFrom(path.join(dir, 'gauntlet.config.ts'), '/root/.npm/_npx/0a1b/node_modules/gauntlet/dist/config/define-config.js')).toBeUndefined();
    expect(importFrom(path.join(dir, 'gauntlet.config.ts'), path.join(path.dirname(dir), 'gauntlet/src/config/define-config.ts'))).toBe('../gauntlet/src/config/define-config.ts');
    const inferred = infer({ openapi: '3.1.0', info: { title: 'x' }, paths: { '/health': { get: { responses: { '200': { description: 'ok' } } } } } });
    const file = path.join(dir, 'gauntlet.config.ts');
    await writeFile(file, renderConfig(inferred, { importFrom: undefined, name: 'x', start: 'python3 app.py', cwd: '.', env: {}, openapi: { url: '/openapi.json' }, upstreams: [] }));
    const { config } = await loadConfig(file);
    expect(config.target).toMatchObject({ name: 'x', health: { path: '/health' } });
    await rm(dir, { recursive: true, force: true });
  });
});
