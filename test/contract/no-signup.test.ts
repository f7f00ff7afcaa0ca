import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import type { ReachRow } from '../../src/results/reach.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * A backend without a sign-up route (test/fixtures/no-signup): users come from a command
 * (target.auth.createUser, as Django's manage.py), which prints the user's token; some operations
 * take HTTP Basic (auth.basic) and others only "Token <key>" (auth.schemes.tokenAuth); its database
 * settings come apart ({{db.*}}), for the migrate command and the command that makes users too.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/no-signup', import.meta.url));

async function run(env: Record<string, string> = {}) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-no-signup-'));
  const r = await runCli(['run', '--stages', 'contract,security', '--no-coverage', '--reports', reports], { cwd: FIXTURE, env, timeoutMs: 120_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const checks = result.stages.flatMap((s) => s.checks);
  const rows = (checks.find((c) => c.id === 'contract:reach')?.evidence as { operations: ReachRow[] }).operations;
  const texts = await Promise.all(['results.json', 'summary.md', 'junit.xml', 'index.html'].map((f) => readFile(path.join(reports, f), 'utf8')));
  return { ...r, result, checks, rows, texts };
}

describe('a backend whose users are made by a command, with Basic and Token schemes side by side', () => {
  it('reaches every operation with the scheme it requires, passes clean, and never shows the Basic credentials', async () => {
    const r = await run();
    expect(r.checks.filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.rows.filter((row) => !row.reached)).toEqual([]);
    expect(r.checks.filter((c) => c.id.endsWith(':valid')).map((c) => c.status)).toEqual(Array(6).fill('passed'));
    // Two users' objects were compared (each user made by the command), none skipped for a made-up value.
    expect(r.checks.filter((c) => c.id.startsWith('security:authz:object:')).map((c) => `${c.id} ${c.status}`)).toEqual(['security:authz:object:GET /gadgets/{id} passed', 'security:authz:object:GET /secrets/{id} passed', 'security:authz:object:DELETE /gadgets/{id} passed']);
    // The Basic header carries username:password in base64: masked wherever it would appear.
    for (const text of [...r.texts, r.stdout]) expect(text).not.toMatch(/Basic [A-Za-z0-9+/]{16,}={0,2}/);
  }, 150_000);

  it('catches a 500 only the Token scheme reaches', async () => {
    const r = await run({ NO_SIGNUP_FLAWS: 'secret-read-500' });
    expect(r.code).toBe(1);
    expect(r.checks.find((c) => c.id === 'contract:GET /secrets/{id}:valid')).toMatchObject({ status: 'failed', message: expect.stringMatching(/answered 500/) });
  }, 150_000);
});
