import { describe, expect, it } from 'vitest';
import { securityInProcess } from './_run-security.ts';

/**
 * Every seeded flaw of companion-api against the whole security stage: a security flaw fails its
 * named check and nothing else; the other flaws fail no security check. Together with the clean run
 * (security-stage.test.ts, through the CLI) this shows each check fails for its flaw only.
 */
const ONLY = (...ids: string[]) => (failed: string[]) => expect(failed).toEqual(ids.sort());

// Two flaws at a time (the integration project's maxConcurrency): each run is mostly waiting (rate-limit
// windows, a refused second start), and each has its own target, database and test users.
describe.concurrent('security stage with a seeded flaw', () => {
  it.each([
    ['sql-injection', ONLY('security:injection:GET /conversations:query.q'), /sql tautology \(like\) .*returned \d+ rows where a nonsense term returned 0/],
    [
      'broken-object-authorization',
      (failed: string[]) => {
        expect(failed).toContain('security:authz:object:GET /conversations/{id}');
        expect(failed.every((id) => id.startsWith('security:authz:object:'))).toBe(true);
      },
      /user B got 200 on user A's \/conversations\/[0-9a-f-]+ \(which an anonymous request cannot read: 401\): broken object-level authorization/,
    ],
    ['jwt-expiry-not-enforced', ONLY('security:auth:expired-token'), /a token that expired a minute ago: GET \/me answered 200, expected 401/],
    ['jwt-alg-none', ONLY('security:auth:alg-none'), /alg "none": GET \/me answered 200, expected 401/],
    ['refresh-reuse-undetected', ONLY('security:auth:refresh-reuse'), /the rotated refresh token was accepted again \(200\)/],
    ['logout-does-not-revoke', ONLY('security:auth:logout-revokes'), /after logout, GET \/me answered 200 to the same access token/],
    ['deleted-user-token-accepted', ONLY('security:auth:deleted-user'), /after the account was deleted, GET \/me answered \d+ to its token, expected 401/],
    ['access-token-as-refresh', ONLY('security:auth:access-token-not-refresh'), /the access token was sent as a refresh token and the answer was 200/],
    ['no-login-rate-limit', ONLY('security:rate-limit:login:enforced'), /request 6 answered 401, expected 429/],
    ['spoofable-rate-limit-key', ONLY('security:rate-limit:login:forwarded-for'), /with X-Forwarded-For set, the request answered 401 again instead of 429/],
    ['mass-assignment-role', ONLY('security:authz:mass-assignment:POST /auth/register'), /"role": "admin" in the body was accepted and stored/],
    ['stack-trace-leak', ONLY('security:hardening:error-internals'), /the answer exposes a stack trace/],
    ['cors-wildcard-credentials', ONLY('security:hardening:cors'), /the origin https:\/\/evil\.gauntlet\.invalid is reflected in Access-Control-Allow-Origin with credentials allowed/],
    ['user-enumeration', ONLY('security:hardening:uniform-login-errors'), /a wrong password answers 401, an unknown account 404/],
    ['security-headers-missing', ONLY('security:hardening:headers'), /no x-content-type-options header/],
    ['logout-revocation-lapses', ONLY('security:auth:logout-revokes'), /after logout the access token was refused at once, but 3 s later GET \/me answered 200 to it again: the revocation lapsed/],
    ['search-ignores-ownership', ONLY('security:authz:list:GET /conversations'), /user B's GET \/conversations with \?q=.+ contains \d+ identifier\(s\) of user A's resources/],
    ['cors-prefix-allowlist', ONLY('security:hardening:cors'), /the origin https:\/\/app\.example\.com\.evil\.gauntlet\.invalid is reflected in Access-Control-Allow-Origin/],
    ['admin-account-lookup-open', ONLY('security:authz:admin:GET /admin/accounts/{id}'), /a normal user got 200: broken function-level authorization\nreproduce: curl -i -X GET 'http:\/\/127\.0\.0\.1:\d+\/admin\/accounts\/[0-9a-f-]{36}'/],
    ['delete-without-deleting', ONLY('security:authz:object:DELETE /conversations/{id}'), /user B's DELETE \/conversations\/[0-9a-f-]+ answered 204, though user A's resource is unchanged \(A's GET \/conversations\/\{id\} reads the same\): a wrong status/],
    ['password-change-keeps-sessions', ONLY('security:auth:password-change-revokes'), /a session issued before the password change still works: GET \/me answered 200 to its token, expected 401/],
    ['password-truncated-72', ONLY('security:auth:password-truncation'), /its first 72 bytes followed by other text logged in \(200\): the password is truncated/],
    ['weak-password-accepted', ONLY('security:auth:weak-password'), /sign-up accepted "1234567890" \(201\), which breaks "At least 10 characters with a letter and a digit" \(POST \/auth\/register's password: a letter\)/],
  ])('%s fails its named check, with evidence and a reproduction, and no other check', async (flaw, expectFailed, message) => {
    const r = await securityInProcess([flaw]);
    expect(r.outcome.status).toBe('failed');
    expectFailed(r.failedIds);
    const check = r.failed[0];
    expect(check?.message).toMatch(message);
    expect(check?.message).toMatch(/reproduce: curl -i -X [A-Z]+ 'http:\/\/127\.0\.0\.1:\d+\//);
  }, 180_000);

  it.each(['malformed-input-500', 'upstream-failure-500', 'crisis-detection-bypassed', 'n-plus-one-list'])('%s (not a security flaw) fails no security check', async (flaw) => {
    const r = await securityInProcess([flaw]);
    expect(r.failedIds).toEqual([]);
    expect(r.outcome.status).toBe('passed');
  }, 180_000);
});
