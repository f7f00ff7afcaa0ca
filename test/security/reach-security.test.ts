import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../../src/results/types.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * The security stage on the reach fixture (test/fixtures/reach): an API with no secured GET without
 * parameters to probe tokens with (REACH_PROBE picks one on a resource), an admin-only write, a
 * transfer whose body references two accounts, and items read at a flat route. Each seeded flaw
 * is one the stage could not reach before: a token taken under any scheme (whose credential probes
 * used to delete the owner's items, so the two-user checks were skipped as "gone"), a logout that
 * revokes nothing (probed through GET /items/{id}), SQL built from an admin-only field (reached only
 * as the admin), and a transfer from another user's account (a body reference, judged by its effect).
 */
const REACH = fileURLToPath(new URL('../fixtures/reach', import.meta.url));

async function security(env: Record<string, string>, stages = 'security') {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-reach-security-'));
  const r = await runCli(['run', '--stages', stages, '--no-coverage', '--reports', reports], { cwd: REACH, env, timeoutMs: 120_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const checks = result.stages.find((s) => s.name === 'security')?.checks ?? [];
  const check = (id: string) => checks.find((c) => c.id === id) as CheckResult;
  return { ...r, result, checks, check };
}

const PROBE = { REACH_PROBE: 'GET /items/{id}' };

describe('the security stage reaches what the user alone cannot', () => {
  it('is clean on the clean fixture, token checks probed through an operation on a resource', async () => {
    const r = await security(PROBE);
    expect(r.checks.filter((c) => c.status === 'failed')).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.check('security:auth:logout-revokes')).toMatchObject({ status: 'passed' });
    // Every two-user object check ran: none skipped for a made-up or vanished resource.
    const object = r.checks.filter((c) => c.id.startsWith('security:authz:object:'));
    expect(object.length).toBe(8); // GET, PATCH and DELETE /shops/{id}/, POST /lists/{id}/items/, GET and DELETE /items/{id}, GET /accounts/{id}/, POST /members/{email}/follow/
    expect(object.filter((c) => c.status !== 'passed')).toEqual([]);
    // Following user A is B's own business: the path names A by A's own email.
    expect(r.check('security:authz:object:POST /members/{email}/follow/')).toMatchObject({ status: 'passed', message: expect.stringMatching(/^a social action on a user: the path names user A by A's own email/) });
    // The body reference pair, tried with the other user's account: refused, nothing of B's changed.
    expect(r.check('security:authz:reference:POST /transfers/:from_account_id')).toMatchObject({ status: 'passed', message: expect.stringMatching(/got 400 .* read the same before and after/) });
    expect(r.check('security:authz:reference:POST /transfers/:to_account_id')).toMatchObject({ status: 'passed' });
    // The same account on both sides: refused.
    expect(r.check('security:reference:POST /transfers/:from_account_id=to_account_id')).toMatchObject({ status: 'passed', message: 'it answered 400' });
    // User B's reads show nothing private of A's or the admin's.
    expect(r.check('security:exposure:GET /products/')).toMatchObject({ status: 'passed' });
    // The admin-only write is attacked as the admin.
    expect(r.check('security:injection:POST /products/:body.name')).toMatchObject({ status: 'passed' });
    // The same email in another case or padded is refused at sign-up.
    expect(r.check('security:auth:unique-identity')).toMatchObject({ status: 'passed' });
  }, 150_000);

  it('finds each seeded flaw in its own check, and the owner keeps its resources', async () => {
    const r = await security({ ...PROBE, REACH_FLAWS: 'any-scheme,logout-noop,product-name-sql,transfer-any-account,transfer-same-account,transfer-to-unchecked,email-case,products-show-creator' });
    expect(r.code).toBe(1);
    expect(r.check('security:auth:credentials:DELETE /items/{id}')).toMatchObject({ status: 'failed', message: expect.stringMatching(/"Token" scheme it answered 200/) });
    // That DELETE got through on an item made for the probe: the owner's own item is still there for the two-user checks.
    for (const op of ['GET /items/{id}', 'DELETE /items/{id}', 'GET /shops/{id}/', 'DELETE /shops/{id}/']) expect(r.check(`security:authz:object:${op}`), op).toMatchObject({ status: 'passed' });
    expect(r.check('security:auth:logout-revokes')).toMatchObject({ status: 'failed', message: expect.stringMatching(/after logout, GET \/items\/\{id\} answered 200/) });
    expect(r.check('security:injection:POST /products/:body.name')).toMatchObject({ status: 'failed', message: expect.stringMatching(/database error text/) });
    expect(r.check('security:authz:reference:POST /transfers/:from_account_id')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/with user B's from_account_id \(\d+\) answered 201 and changed B's resource \(B's GET \/accounts, GET \/accounts\/\{id\}\/ show it\)/),
    });
    // Another user's account accepted as the destination (201), nothing visible moved: A may not even read that account.
    expect(r.check('security:authz:reference:POST /transfers/:to_account_id')).toMatchObject({ status: 'failed', message: expect.stringMatching(/user A may not read user B's account \d+ \(\/accounts\/\d+\/ answered 404\), yet POST \/transfers\/ with it as to_account_id answered 201/) });
    expect(r.check('security:auth:unique-identity')).toMatchObject({ status: 'failed', message: expect.stringMatching(/in upper case \("GAUNTLET\.UNIQUE\.[^"]+@EXAMPLE\.COM"\) signed up a second account \(201\)\n.*padded with spaces/) });
    // The public catalogue names its creator, the admin, by email: another user's private field.
    expect(r.check('security:exposure:GET /products/')).toMatchObject({ status: 'failed', message: expect.stringMatching(/^user B's GET \/products\/ shows the admin's email: another user's private field/) });
    expect(r.check('security:reference:POST /transfers/:from_account_id=to_account_id')).toMatchObject({ status: 'failed', message: expect.stringMatching(/as both from_account_id and to_account_id it answered 201 and changed that resource \(A's GET \/accounts, GET \/accounts\/\{id\}\/ show it\)/) });
  }, 150_000);

  it('says why the admin-only operations are not attacked when no admin is configured', async () => {
    const r = await security({ REACH_NO_ADMIN: '1', REACH_FLAWS: 'product-name-sql' });
    expect(r.check('security:injection:admin')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/stages\.security\.admin\.credentials/) });
    expect(r.check('security:injection:POST /products/:body.name')).toBeUndefined();
    expect(r.checks.filter((c) => c.status === 'failed')).toEqual([]);
  }, 150_000);

  it('judges its answers against the document, and counts them toward the run\'s API coverage', async () => {
    const alone = await security({}, 'contract');
    const both = await security({ REACH_FLAWS: 'plain-403' }, 'contract,security');
    const statuses = (r: typeof alone) => r.result.stages.find((s) => s.name === 'contract')?.metrics['apiCoverage.statusCodes'] as number;
    // The security stage sees the documented 401s and 403s the contract stage alone never asks for.
    expect(statuses(both)).toBeGreaterThan(statuses(alone) + 20);
    const coverage = both.result.stages.find((s) => s.name === 'contract')?.checks.find((c) => c.id === 'contract:coverage');
    expect(coverage?.title).toContain(`${statuses(both)}% of documented statuses`);
    expect(both.check('security:POST /products/:answers')).toMatchObject({ status: 'failed', severity: 'deviation', message: expect.stringMatching(/content type text\/plain is not documented for 403/) });
    expect(both.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['security:POST /products/:answers']);
  }, 150_000);
});
