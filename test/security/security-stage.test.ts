import { describe, expect, it } from 'vitest';
import { security, TOKEN_AUTH } from './_run-security.ts';

describe('security stage on the clean companion-api', () => {
  it('passes every check of every group, and the named checks are all there', async () => {
    const r = await security();
    expect(r.failed.map((c) => `${c.id}\n${c.message}`)).toEqual([]);
    expect(r.code).toBe(0);
    const ids = r.stage?.checks.map((c) => c.id) ?? [];
    for (const id of [
      'security:auth:credentials:GET /conversations/{id}',
      'security:auth:expired-token',
      'security:auth:tampered-token',
      'security:auth:alg-none',
      'security:auth:deleted-user',
      'security:auth:refresh-reuse',
      'security:auth:access-token-not-refresh',
      'security:auth:logout-revokes',
      'security:authz:object:DELETE /conversations/{id}',
      'security:authz:list:GET /conversations',
      'security:authz:admin:GET /admin/escalations',
      'security:authz:mass-assignment:POST /auth/register',
      'security:injection:GET /conversations:query.q',
      'security:injection:POST /auth/login:body.email',
      'security:rate-limit:login:enforced',
      'security:rate-limit:login:retry-after',
      'security:rate-limit:login:forwarded-for',
      'security:rate-limit:login:key-variants',
      'security:rate-limit:login:window-resets',
      'security:rate-limit:chat:enforced',
      'security:rate-limit:chat:window-resets',
      'security:hardening:headers',
      'security:hardening:cors',
      'security:hardening:body-limit',
      'security:hardening:error-internals',
      'security:hardening:uniform-login-errors',
      'security:hardening:insecure-start',
    ]) {
      expect(r.stage?.checks.find((c) => c.id === id)?.status, id).toBe('passed');
    }
    // Only the account-variant check of a user-keyed limit does not apply, and resolving an escalation
    // has no real escalation to try (none exists, so the admin-only list shows none): a 404 on a made-up id would prove nothing.
    const skipped = r.stage?.checks.filter((c) => c.status === 'skipped') ?? [];
    expect(skipped.map((c) => c.id).sort()).toEqual(['security:authz:admin:POST /admin/escalations/{id}/resolve', 'security:injection:POST /admin/escalations/{id}/resolve:body.note', 'security:rate-limit:chat:key-variants']);
    expect(skipped.find((c) => c.id.startsWith('security:authz:admin:'))?.message).toMatch(/^no real resource to try it on: \{id\} = "[0-9a-f-]{36}" was made up: nothing the API returned resolves it \(the admin-only lists and creations show none either\)/);
    expect(r.stage?.checks.find((c) => c.id === 'security:authz:admin:GET /admin/accounts/{id}')?.status).toBe('passed');
    // The admin-only operations are attacked as the admin; one on a resource nothing shows is not reached, and says so.
    expect(skipped.find((c) => c.id.startsWith('security:injection:'))?.message).toMatch(/^not reached: \{id\} = /);
    expect(ids.filter((id) => id.startsWith('security:auth:credentials:')).length).toBeGreaterThanOrEqual(15);
    expect(r.result.gates.find((g) => g.name === 'security.failedChecks')).toMatchObject({ actual: 0, passed: true });
  }, 180_000);
});

describe('security stage on a target with another auth scheme (Authorization: Token, token at data.session.token)', () => {
  it('runs every group from the config alone and passes', async () => {
    const r = await security(['--config', TOKEN_AUTH]);
    expect(r.failed.map((c) => `${c.id}\n${c.message}`)).toEqual([]);
    expect(r.code).toBe(0);
    const passed = r.stage?.checks.filter((c) => c.status === 'passed').map((c) => c.id) ?? [];
    expect(passed).toEqual(
      expect.arrayContaining([
        'security:auth:credentials:GET /notes/{noteId}',
        'security:auth:expired-token',
        'security:auth:refresh-reuse',
        'security:auth:logout-revokes',
        'security:authz:object:GET /notes/{noteId}',
        'security:authz:admin:GET /admin/stats',
        'security:rate-limit:sessions:key-variants',
        'security:rate-limit:sessions:window-resets',
        'security:hardening:insecure-start',
      ]),
    );
    // Only the password change has nothing to run on: this target has no such route.
    expect(r.stage?.checks.filter((c) => c.status === 'skipped').map((c) => c.id)).toEqual(['security:auth:password-change-revokes']);
  }, 120_000);

  // Checks the companion-api catalogue has no flaw for bite on this target's own switchable bugs.
  it.each([
    ['admin-open', ['security:authz:admin:GET /admin/stats'], /a normal user got 200: broken function-level authorization/],
    ['list-leak', ['security:authz:list:GET /notes'], /user B's GET \/notes contains \d+ identifier\(s\) of user A's resources/],
    ['no-body-limit', ['security:hardening:body-limit'], /a \d+-byte body answered 400, expected 413/],
    ['starts-insecure', ['security:hardening:insecure-start'], /it became healthy: an insecure production config is accepted/],
  ])('with the %s bug, exactly %j fails', async (flaw, ids, message) => {
    const r = await security(['--config', TOKEN_AUTH], { TOKEN_AUTH_FLAWS: flaw });
    expect(r.code).toBe(1);
    expect(r.failedIds).toEqual(ids);
    expect(r.failed[0]?.message).toMatch(message);
  }, 120_000);
});

describe('security stage with cookie auth (the session in an HttpOnly cookie, by configuration alone)', () => {
  const COOKIE = TOKEN_AUTH.replace('gauntlet.config.ts', 'cookie.config.ts');

  it('passes, with the credential checks sending the token everywhere but the cookie', async () => {
    const r = await security(['--config', COOKIE]);
    expect(r.failed.map((c) => `${c.id}\n${c.message}`)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stage?.checks.find((c) => c.id === 'security:auth:expired-token')?.status).toBe('passed');
    expect(r.stage?.checks.find((c) => c.id === 'security:auth:credentials:GET /notes/{noteId}')?.status).toBe('passed');
  }, 120_000);

  it('still bites: the open admin route fails its check', async () => {
    const r = await security(['--config', COOKIE], { TOKEN_AUTH_FLAWS: 'admin-open' });
    expect(r.failedIds).toEqual(['security:authz:admin:GET /admin/stats']);
  }, 120_000);
});
