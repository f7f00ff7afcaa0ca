import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

/**
 * The third example target (a base path, bodies wrapped in one key, recipes by slug and cooks by
 * username, numeric review ids under their recipe, `Token` auth, social actions, no OpenAPI links)
 * through the contract and security stages, with the config `gauntlet init` wrote and two edited lines.
 */
const DIR = path.join(ROOT, 'examples/cookbook-api');
const CONFIG = path.join(DIR, 'gauntlet.config.ts');

async function gate(args: string[]) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-cookbook-'));
  const r = await runCli(['run', '--config', CONFIG, '--stages', 'contract,security', '--env', 'native', '--no-coverage', '--reports', reports, ...args], { cwd: ROOT, timeoutMs: 180_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const checks = result.stages.flatMap((s) => s.checks);
  return { ...r, result, checks, failed: checks.filter((c) => c.status === 'failed') };
}

describe('cookbook-api, the third example target', () => {
  it('its config is what gauntlet init writes, plus two edited lines (the flaw switch and the test JWT secret)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-cookbook-init-'));
    const out = path.join(dir, 'gauntlet.config.ts');
    const init = await runCli(['init', '--openapi', '/api/openapi.json', '--start', 'node server.mjs', '--cwd', DIR, '--migrate', 'node migrate.mjs', '--target-env', 'JWT_SECRET=cookbook-test-secret-0123456789abcdef0123', '--env', 'native', '--out', out], { cwd: dir, timeoutMs: 120_000 });
    expect(init.code).toBe(0);
    // Written elsewhere, its relative paths differ: put them as they are next to the target.
    const relative = path.relative(dir, DIR);
    const written = (await readFile(out, 'utf8')).replace(/from '[^']*src\/config\/define-config\.ts'/, "from '../../src/config/define-config.ts'").replaceAll(`cwd: '${relative}'`, "cwd: '.'").split('\n');
    const kept = (await readFile(CONFIG, 'utf8')).split('\n');
    expect(kept.filter((line) => !written.includes(line))).toEqual([
      "    flaws: { enableEnv: { COOKBOOK_ALLOW_FLAWS: '1' }, namesEnv: 'COOKBOOK_FLAWS' },",
      "      jwt: { secret: 'cookbook-test-secret-0123456789abcdef0123' },",
    ]);
  }, 150_000);

  it('clean: 0 failed checks, every two-user check ran, nothing skipped for a made-up value', async () => {
    const r = await gate([]);
    expect(r.failed.map((c) => `${c.id}\n${c.message}`)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.checks.filter((c) => c.id.startsWith('security:authz:') && c.status !== 'passed').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    expect(r.checks.filter((c) => c.status === 'skipped' && /made up/.test(c.message ?? '')).map((c) => c.id)).toEqual([]);
    // Slug-addressed recipes read back after the restart; the social actions were judged as such.
    expect(r.checks.find((c) => c.id === 'contract:persistence')?.status).toBe('passed');
    expect(r.checks.find((c) => c.id === 'security:authz:object:POST /recipes/{slug}/reviews')?.message).toMatch(/^a social action/);
    expect(r.checks.find((c) => c.id === 'security:authz:object:PUT /recipes/{slug}')?.status).toBe('passed');
    expect(r.result.gates.find((g) => g.name === 'apiCoverage.operations')).toMatchObject({ actual: 100, passed: true });
    // PUT /user gives the test user a new email, which ends its session (the token names the email):
    // the session is renewed with the new email, so the operations after it reach the code, not a 401.
    const contract = r.result.stages.find((s) => s.name === 'contract');
    expect(contract?.metrics?.sessionRenewals).toBeGreaterThanOrEqual(1);
    const statusOf = (id: string) => (r.checks.find((c) => c.id === id)?.evidence as { status?: number } | undefined)?.status;
    expect([statusOf('contract:PUT /recipes/{slug}:valid'), statusOf('contract:DELETE /recipes/{slug}/reviews/{id}:valid'), statusOf('contract:DELETE /recipes/{slug}:valid')]).toEqual([200, 204, 204]);
  }, 180_000);

  it('fails each flaw that a slug, a username or a review id leads to, naming its operation', async () => {
    const r = await gate(['--flaw', 'recipe-update-any-owner,anonymous-delete-500,cook-recipe-count-500']);
    expect(r.code).toBe(1);
    const failed = new Map(r.failed.map((c) => [c.id, c.message ?? '']));
    expect(failed.get('security:authz:object:PUT /recipes/{slug}')).toMatch(/^user B's PUT \/api\/recipes\/[\w-]+ answered 200 and user A's GET \/recipes\/\{slug\} now answers 404: B changed or moved A's resource/);
    expect(failed.get('security:auth:credentials:DELETE /recipes/{slug}')).toMatch(/with no credentials it answered 500/);
    expect(failed.get('contract:GET /cooks/{username}:valid')).toMatch(/^answered 500: a server error\n/);
    // A made-up username gets the 404 it deserves: only a real cook reaches the flaw.
    expect(failed.get('contract:GET /cooks/{username}:valid')).not.toMatch(/made up/);
  }, 180_000);

  it("fails a review deleted by someone who did not write it, seen in the owner's re-read; another cook's email taken in upper case; and an author's phone in every recipe", async () => {
    const r = await gate(['--flaw', 'review-delete-any-author,email-taken-check-case,author-shows-phone']);
    expect(r.code).toBe(1);
    expect(r.failed.map((c) => c.id).sort()).toEqual(['security:auth:unique-identity:PUT /user', 'security:authz:object:DELETE /recipes/{slug}/reviews/{id}', 'security:exposure:GET /recipes']);
    // The phone the sign-up sent ({{phone}}, which init put in the register template), read in B's whole list of recipes.
    expect(r.failed.find((c) => c.id === 'security:exposure:GET /recipes')?.message).toMatch(/^user B's GET \/recipes shows user A's phone: another user's private field[^\n]*\nreproduce: curl -i -X GET '[^']*\/api\/recipes\?limit=100'/);
    expect(r.failed.find((c) => c.id === 'security:auth:unique-identity:PUT /user')?.message).toMatch(/^user B's PUT \/user with user A's email in upper case \("GAUNTLET\.UNIQUE\.[0-9A-F]+@EXAMPLE\.COM"\) answered 500: a server error\nreproduce: curl -i -X PUT/);
    expect(r.failed.find((c) => c.id === 'security:authz:object:DELETE /recipes/{slug}/reviews/{id}')?.message).toMatch(/^user B's DELETE \/api\/recipes\/[\w-]+\/reviews\/\d+ answered 204 and changed user A's resource \(A's GET \/recipes\/\{slug\}\/reviews shows it\)/);
  }, 180_000);
});
