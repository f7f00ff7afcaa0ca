import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('config errors at the CLI', () => {
  it('lists a typo and a wrong-typed value in one message and exits 2', async () => {
    const r = await runCli(['run', '--config', 'bad.config.ts']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'GAUNTLET_CONFIG_INVALID: bad.config.ts has 2 errors:',
        '  error: Config option "target.stopTimeoutMs" has the wrong type. It should be a number, but was a string ("5s").',
        '  error: Config option "target.helth" is not known. Did you mean "target.health"?',
        'Fix: Correct the keys above in the config file; every option is listed in README.md#configuration.',
        '',
      ].join('\n'),
    );
  });

  it('says where it looked when there is no config', async () => {
    const r = await runCli(['run', '--config', 'missing.config.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^GAUNTLET_CONFIG_NOT_FOUND: No config file at .*missing\.config\.ts\.\nFix: Check the --config path\.\n$/);
  });

  it('an OpenAPI file that breaks the schema stops the run before anything starts: exit 2, the validator\'s findings, and the reports', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-bad-doc-'));
    const file = path.join(dir, 'openapi.json');
    // `responses` as a list, a parameter without `in`: what made the contract stage send ?undefined=… before.
    await writeFile(file, JSON.stringify({ openapi: '3.1.0', info: { title: 'bad', version: '1' }, paths: { '/items': { get: { parameters: [{ name: 'q' }], responses: ['200'] } } } }));
    const r = await runCli(['run', '--stages', 'contract', '--reports', path.join(dir, 'reports')], { env: { TINY_OPENAPI_FILE: file } });
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/environment native ready/); // nothing was started
    expect(r.stderr).toMatch(new RegExp(`GAUNTLET_OPENAPI_INVALID: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid OpenAPI 3\\.1\\.0 document`));
    expect(r.stderr).toMatch(/\/paths\/~1items\/get/);
    expect(r.stderr).toContain('Fix: Fix the document where the validator points, or set target.openapi.allowInvalid: true');
    expect(existsSync(path.join(dir, 'reports', 'results.json'))).toBe(true);
  });

  it('a missing OpenAPI file is said before anything starts (exit 2)', async () => {
    const r = await runCli(['run', '--stages', 'contract,security'], { env: { TINY_OPENAPI_FILE: '/nonexistent/openapi.json' } });
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/environment native ready/);
    expect(r.stderr).toMatch(/^GAUNTLET_OPENAPI_UNREADABLE: The OpenAPI document at \/nonexistent\/openapi\.json could not be read: ENOENT/m);
  });

  it('a malformed external URL names its key, and the run does not start (exit 2)', async () => {
    const r = await runCli(['run', '--env', 'external'], { env: { TINY_EXTERNAL_DB: 'localhost:5432/app' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: Config option "environment.external.databaseUrl" is invalid: expected a postgres:// or postgresql:// URL with a host');
  });

  it('a config that throws while loading, or has no default export, is GAUNTLET_CONFIG_LOAD_FAILED (exit 2) with the loader\'s error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-load-failed-'));
    await writeFile(path.join(dir, 'broken.config.ts'), "export default { target: { start: { command: 'x' } }\n");
    await writeFile(path.join(dir, 'nodefault.config.ts'), "export const config = { target: { start: { command: 'x' } } };\n");
    const broken = await runCli(['run', '--config', path.join(dir, 'broken.config.ts')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^GAUNTLET_CONFIG_LOAD_FAILED: .*broken\.config\.ts/);
    expect(broken.stderr).toContain('Fix: Fix the syntax or import error in the config file');
    const nodefault = await runCli(['run', '--config', path.join(dir, 'nodefault.config.ts')]);
    expect(nodefault.code).toBe(2);
    expect(nodefault.stderr).toMatch(/^GAUNTLET_CONFIG_LOAD_FAILED: .*nodefault\.config\.ts has no default export\./);
  });

  it('exits 2 with usage help for an unknown command', async () => {
    const r = await runCli(['lint']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GAUNTLET_USAGE');
  });
});
