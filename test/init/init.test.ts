import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { startExampleTarget, type ExampleTarget } from '../helpers/example-target.ts';

/** `gauntlet init` against the running companion-api: the config it writes runs the contract stage green, unedited. */
describe('gauntlet init', () => {
  let target: ExampleTarget;
  beforeAll(async () => {
    target = await startExampleTarget();
  });
  afterAll(async () => {
    await target?.dispose();
  });

  it('writes a config from the running target that runs the contract stage green, unedited', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-'));
    const out = path.join(dir, 'gauntlet.config.ts');
    const init = await runCli(
      [
        'init',
        '--openapi', `${target.url}/openapi.json`,
        '--start', 'node --import tsx src/main.ts',
        '--cwd', path.join(ROOT, 'examples/companion-api'),
        '--migrate', 'npx node-pg-migrate up --migrations-dir migrations --migration-file-language sql',
        '--target-env', 'NODE_ENV=test',
        '--target-env', 'LOG_LEVEL=warn',
        '--upstream', `llm=${path.join(ROOT, 'examples/companion-api/mocks/handlers.ts')}@LLM_BASE_URL`,
        '--out', out,
      ],
      { cwd: ROOT },
    );
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^wrote .*gauntlet\.config\.ts: 26 operations; inferred the auth flow, refresh, logout, account deletion, the Bearer header\./);
    const written = await readFile(out, 'utf8');
    expect(written).toMatch(/env: \{ NODE_ENV: 'test', LOG_LEVEL: 'warn' \}/); // a repeated flag keeps every value
    expect(written).toContain("login: { path: '/auth/login', body: { email: '{{email}}', password: '{{password}}' } },");
    expect(written).toContain("refresh: { path: '/auth/refresh', body: { refreshToken: '{{refreshToken}}' } },");

    const reports = path.join(dir, 'reports');
    const run = await runCli(['run', '--config', out, '--stages', 'contract', '--env', 'native', '--reports', reports], { cwd: dir, timeoutMs: 240_000 });
    const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
    expect(result.stages[0]?.checks.filter((c) => c.status === 'failed').map((c) => `${c.id}\n${c.message}`)).toEqual([]);
    expect(run.code).toBe(0);
    expect(result.gates.find((g) => g.name === 'apiCoverage.operations')?.actual).toBe(100);
  }, 300_000);

  it('starts a target it has never seen to read its document (notes-api: Token scheme, nested token, a required secret), and its config runs the contract stage unedited', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-'));
    const out = path.join(dir, 'gauntlet.config.ts');
    const notes = path.join(ROOT, 'examples/notes-api');
    const init = await runCli(
      ['init', '--openapi', '/openapi.json', '--start', 'node server.mjs', '--cwd', notes, '--migrate', 'node migrate.mjs', '--target-env', 'SECRET=notes-test-secret-0123456789abcdef0123456789', '--target-env', 'LOGIN_WINDOW_SECONDS=3', '--env', 'native', '--out', out],
      { cwd: dir, timeoutMs: 120_000 },
    );
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^init started the target to read its document; its log and the services' are in .*gauntlet-init-\w+\n/);
    expect(init.stdout).toContain('inferred the auth flow, refresh, logout, account deletion, the Token header.');
    const written = await readFile(out, 'utf8');
    expect(written).toContain("env: { SECRET: 'notes-test-secret-0123456789abcdef0123456789', LOGIN_WINDOW_SECONDS: '3' }");
    expect(written).toContain("openapi: { url: '/openapi.json' },");

    const reports = path.join(dir, 'reports');
    const run = await runCli(['run', '--config', out, '--stages', 'contract', '--env', 'native', '--no-coverage', '--reports', reports], { cwd: dir, timeoutMs: 240_000 });
    const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
    expect(result.stages[0]?.checks.filter((c) => c.status === 'failed').map((c) => `${c.id}\n${c.message}`)).toEqual([]);
    expect(run.code).toBe(0);
  }, 300_000);

  it('logs in to the target it started to learn what the document does not say: the token\'s place, its scheme, a health path that answers', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-'));
    const out = path.join(dir, 'gauntlet.config.ts');
    // The reach fixture's generated-style document: no response bodies, an API key in Authorization with no scheme word, no health operation.
    const fixture = path.join(ROOT, 'test/fixtures/reach');
    const init = await runCli(['init', '--openapi', '/openapi-bare.json', '--start', 'node server.mjs', '--cwd', fixture, '--env', 'native', '--out', out], { cwd: dir, timeoutMs: 120_000 });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).not.toContain('no token property found');
    const written = await readFile(out, 'utf8');
    expect(written).toContain("health: { path: '/health' }, // init checked: the started target answered 2xx here");
    expect(written).toContain("token: { path: 'token' }, // where the login answer carried it when init logged in");
    expect(written).toContain("header: { name: 'Authorization', scheme: 'Bearer' }, // \"Bearer <token>\" is what the API accepted when init logged in");

    const reports = path.join(dir, 'reports');
    await runCli(['run', '--config', out, '--stages', 'contract', '--env', 'native', '--no-coverage', '--reports', reports], { cwd: dir, timeoutMs: 240_000 });
    const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
    expect(result.stages[0]?.checks.find((c) => c.id === 'contract:auth')).toMatchObject({ status: 'passed' });
    expect(result.stages[0]?.checks.find((c) => c.id === 'contract:GET /shops/:valid')).toMatchObject({ status: 'passed' }); // the learned scheme was accepted
  }, 300_000);

  it('a target in a style init had to learn (absolute --openapi file, two --target-env, auth bodies wrapped in a key, "Token xxxxxx" in a description, no /health): its config runs unedited and the auth flow works', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-'));
    const out = path.join(dir, 'gauntlet.config.ts');
    const fixture = path.join(ROOT, 'test/fixtures/wrapped-auth');
    const init = await runCli(['init', '--openapi', path.join(fixture, 'openapi.json'), '--start', 'node server.mjs', '--cwd', fixture, '--target-env', 'SECRET=wrapped-secret-0123456789', '--target-env', 'GREETING=hello', '--env', 'native', '--out', out], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('inferred the auth flow, the Token header.');
    const written = await readFile(out, 'utf8');
    expect(written).toContain("env: { SECRET: 'wrapped-secret-0123456789', GREETING: 'hello' }");
    expect(written).toContain("register: { path: '/api/users', body: { user: { username: '{{username}}', email: '{{email}}', password: '{{password}}' } } },");
    expect(written).toContain("login: { path: '/api/users/login', body: { user: { email: '{{email}}', password: '{{password}}' } } },");
    expect(written).toContain("token: { path: 'user.token' },");
    expect(written).toContain("header: { name: 'Authorization', scheme: 'Token' },");
    // A document in a file: init still starts the target once, and checks the health path against it.
    expect(written).toContain("health: { path: '/' }, // init checked: the started target answered 2xx here");
    expect(init.stdout).toContain('init started the target to check its health path and auth flow');
    expect(written).toContain("operation: 'POST /api/users/login'"); // the commented rate-limit example names a real operation

    const reports = path.join(dir, 'reports');
    const run = await runCli(['run', '--config', out, '--stages', 'contract', '--env', 'native', '--no-coverage', '--reports', reports], { cwd: dir, timeoutMs: 240_000 });
    expect(run.stderr).toBe('');
    const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
    expect(result.stages[0]?.status).not.toBe('skipped'); // the run reached the stage
    expect(result.stages[0]?.checks.find((c) => c.id === 'contract:auth')).toMatchObject({ status: 'passed' });
    expect(result.stages[0]?.checks.find((c) => c.id === 'contract:GET /api/user:valid')).toMatchObject({ status: 'passed' }); // the Token header was accepted
  }, 300_000);

  it('reads an absolute --openapi path as a file, not as a path on the target', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-'));
    const document = path.join(dir, 'openapi.json');
    await writeFile(document, await (await fetch(`${target.url}/openapi.json`)).text());
    const out = path.join(dir, 'gauntlet.config.ts');
    const init = await runCli(['init', '--openapi', document, '--start', 'node server.js', '--out', out], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain("openapi: { file: './openapi.json' },"); // beside the config
    // `node server.js` does not exist there: the target cannot start, and init says so and writes the config from the document alone.
    expect(init.stdout).toMatch(/to check: init could not start the target to check the health path and the auth flow \(.+\): they are inferred from the document alone/);
  }, 120_000);

  it('refuses to overwrite, and says which answers are missing when there is no terminal', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-'));
    const missing = await runCli(['init', '--openapi', `${target.url}/openapi.json`, '--out', path.join(dir, 'g.config.ts')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^GAUNTLET_USAGE: gauntlet init needs --start\.\nFix: Pass them as flags/);
    const again = await runCli(['init', '--openapi', `${target.url}/openapi.json`, '--start', 'x', '--out', path.join(ROOT, 'gauntlet.config.ts')], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/gauntlet\.config\.ts exists\.\nFix: Pass --force to overwrite it/);
  });
});
