import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const SECRET = 'gauntlet-test-secret-0123456789abcdef0123'; // gauntlet.config.ts: target.start.env.JWT_SECRET and stages.security.jwt.secret
const ADMIN_PASSWORD = 'Gauntlet-admin-Pw9';

/**
 * A security run with failures (user B reaches user A's conversations, so the reproductions carry
 * B's token; an unsigned token is accepted): no report and no console line holds a token the target
 * issued, a test user's password or a secret of the config. Forged tokens stay: they are the attack.
 */
describe('no secret of the run in any report', () => {
  it('replaces issued tokens, passwords and config secrets by placeholders that say how to fill them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-redact-'));
    const r = await runCli(['run', '--stages', 'security', '--no-coverage', '--flaw', 'broken-object-authorization,jwt-alg-none', '--reports', dir], { cwd: ROOT, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(1);
    const reports = await Promise.all(['results.json', 'junit.xml', 'summary.md', 'index.html'].map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')] as const));
    const outputs = [...reports, ['stdout', r.stdout] as const, ['stderr', r.stderr] as const];
    const key = new TextEncoder().encode(SECRET);
    let tokensSeen = 0;
    for (const [name, text] of outputs) {
      expect(text, name).not.toContain(SECRET);
      expect(text, name).not.toContain(ADMIN_PASSWORD);
      expect(text, name).not.toMatch(/Gauntlet-[0-9a-f]+-Pw9/); // a test user's password
      for (const [jwt] of text.matchAll(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g)) {
        tokensSeen++;
        // Whatever JWT is left must be one the target would refuse: forged unsigned, expired, or tampered.
        await expect(jwtVerify(jwt, key, { algorithms: ['HS256'] }), `${name} holds a valid token`).rejects.toThrow();
      }
    }
    expect(tokensSeen).toBeGreaterThan(0); // the forged alg-none token is there, as sent: the scan is not vacuous
    // The failing authorization check's reproduction names what to put where the token was.
    const result = JSON.parse(reports[0]?.[1] ?? '{}') as RunResult;
    const authz = result.stages.flatMap((s) => s.checks).filter((c) => c.status === 'failed' && c.id.startsWith('security:authz:object:'));
    expect(authz.length).toBeGreaterThan(0);
    for (const check of authz) expect(check.message).toContain("-H 'authorization: Bearer «an access token: log in as the test user (target.auth.login) and put its token here»'");
  });
});
