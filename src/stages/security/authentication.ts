import { randomBytes } from 'node:crypto';
import { isServerError, pause, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { authHeaders, authRequest, createSession, headersForSchemes, sessionAuthRequest, tokenHeadersFor, tokensFrom, type Session } from '../../http/session.ts';
import { buildRequest } from '../../openapi/plan.ts';
import { deservedByMadeUp, describeInvented } from '../../openapi/resources.ts';
import { passwordChecks } from './passwords.ts';
import { uniqueIdentity } from './uniqueness.ts';
import { isJwt, resign, withAlgNone, withTamperedClaims, withTamperedSignature } from './_jwt.ts';
import { refused, succeeded, type Actor, type SecurityRun } from './_run.ts';

/**
 * Authentication: credentials required on every secured operation; forged, expired and revoked
 * tokens refused; the refresh token lifecycle (rotation, reuse detection, logout) enforced.
 */
export async function authenticationChecks(run: SecurityRun, owner: Actor): Promise<void> {
  const auth = run.auth;
  if (!auth) return;
  await credentialsRequired(run, owner);
  await uniqueIdentity(run);
  await passwordChecks(run);
  if (!run.probe) {
    run.skip('security:auth:tokens', 'forged, expired and revoked tokens are refused', 'no secured GET whose parameters Gauntlet can fill (none, or only path parameters) to probe a token with: set stages.security.probe (e.g. "GET /me")');
    return;
  }
  await forgedTokens(run, owner.session);
  await deletedUser(run);
  await refreshLifecycle(run);
  await logoutRevokes(run);
}

/** Missing, malformed and wrong-scheme credentials on every secured operation: 401 (or 403). */
async function credentialsRequired(run: SecurityRun, owner: Actor): Promise<void> {
  const auth = run.auth;
  if (!auth) return;
  const cookie = auth.token.cookie;
  const header = cookie ? 'cookie' : auth.header.name.toLowerCase();
  const otherScheme = auth.header.scheme.toLowerCase() === 'bearer' ? 'Token' : 'Bearer';
  const basic = { authorization: `Basic ${Buffer.from(`${owner.session.credentials.email}:${owner.session.credentials.password}`).toString('base64')}` };
  const variants: [string, Record<string, string>][] = cookie
    ? [
        ['no credentials', {}],
        ['a malformed token', authHeaders(auth, 'gauntlet.not-a.token')],
        ['an empty cookie', { cookie: `${cookie}=` }],
        ['the real token as a bearer header instead of the cookie', { authorization: `Bearer ${owner.session.token}` }],
        ['Basic credentials of the real user', basic],
      ]
    : [
        ['no credentials', {}],
        ['a malformed token', authHeaders(auth, 'gauntlet.not-a.token')],
        ['an empty token', { [header]: auth.header.scheme ? `${auth.header.scheme} ` : '' }],
        [`the real token under the "${otherScheme}" scheme`, authHeaders(auth, owner.session.token, otherScheme)],
        ['Basic credentials of the real user', { [header]: basic.authorization }],
      ];
  const admin = await run.adminActor();
  const adminOnly = new Set(run.adminOperations());
  for (const op of run.operations.filter((o) => o.secured)) {
    // An admin-only operation on the admin's resources; a write on a resource on one made for this
    // check: a variant that gets through must not destroy what the other checks rely on.
    const actor = adminOnly.has(op) && admin ? admin : owner;
    const store = op.method !== 'GET' && op.parameters.some((p) => p.in === 'path') ? await run.scratch(op, actor, adminOnly.has(op) && admin ? [...run.adminOperations(), ...run.creators()] : undefined) : actor.store;
    const { request, invented } = buildRequest(op, run.baseUrl, store, {}, run.settings.seed);
    const problems: string[] = [];
    const statuses: number[] = [];
    let failing: { request: HttpRequest; response: HttpResponse } | undefined;
    // What this operation accepts (its own scheme's header, target.auth.schemes) is no wrong credential.
    const accepted = new Set(Object.values({ ...owner.session.headers, ...headersForSchemes(owner.session.headers, op.schemes) }));
    for (const [what, headers] of variants.filter(([, h]) => !Object.values(h).some((v) => accepted.has(v)))) {
      const attempt = { ...request, headers: { ...withoutAuth(request.headers, header), ...headers } };
      const response = await run.send(attempt);
      if (!refused(response)) {
        problems.push(`with ${what} it answered ${response.status}, expected 401`);
        statuses.push(response.status);
        failing ??= { request: attempt, response };
      }
    }
    // A route that looks the resource up before it authenticates answers a made-up one 404: that says nothing about its credentials.
    if (invented.length > 0 && problems.length > 0 && statuses.every(deservedByMadeUp)) {
      run.skip(`security:auth:credentials:${op.id}`, `${op.id} refuses missing, malformed and wrong-scheme credentials`, `not reached: ${describeInvented(invented)}; it answered ${[...new Set(statuses)].join(', ')}, as a made-up value deserves`);
      continue;
    }
    run.verdict(`security:auth:credentials:${op.id}`, `${op.id} refuses missing, malformed and wrong-scheme credentials`, problems, failing);
  }
}

function withoutAuth(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));
}

/** Each forged token is sent to the probe; each must be refused, while the real one works. */
async function forgedTokens(run: SecurityRun, session: Session): Promise<void> {
  const auth = run.auth;
  if (!auth) return;
  const probe = (token: string) => run.send(run.probeRequest(tokenHeadersFor(auth, token, run.probe?.schemes)));
  const control = await probe(session.token);
  const jwtIds = ['security:auth:expired-token', 'security:auth:tampered-token', 'security:auth:alg-none'];
  const titles = ['an expired access token is refused', 'a token with a changed signature or changed claims is refused', 'an unsigned token (alg: none) is refused'];
  if (!succeeded(control) || !isJwt(session.token)) {
    const reason = succeeded(control) ? 'the access token is not a JWT, so it cannot be forged' : `the probe ${run.probe?.id} answered ${control.status} to a fresh token: set stages.security.probe to an operation any logged-in user may call`;
    jwtIds.forEach((id, i) => run.skip(id, titles[i] as string, reason));
    return;
  }
  const expect401 = async (id: string, title: string, forged: [string, string][]) => {
    const problems: string[] = [];
    let failing: { request: HttpRequest; response: HttpResponse } | undefined;
    for (const [what, token] of forged) {
      const request = run.probeRequest(tokenHeadersFor(auth, token, run.probe?.schemes));
      const response = await run.send(request);
      if (!refused(response)) {
        problems.push(`${what}: ${run.probe?.id} answered ${response.status}, expected 401`);
        failing ??= { request, response };
      }
    }
    run.verdict(id, title, problems, failing);
  };

  const jwt = run.settings.jwt;
  if (!jwt) {
    run.skip(jwtIds[0] as string, titles[0] as string, 'no signing secret to forge an expired token with: set stages.security.jwt.secret to the secret the target is started with in tests');
  } else {
    // The control: the same claims re-signed with the configured secret must work, or the secret is wrong
    // and an "expired token refused" would prove nothing.
    const now = Math.floor(Date.now() / 1000);
    const resigned = await probe(await resign(session.token, jwt.secret, jwt.algorithm));
    if (!succeeded(resigned)) {
      run.verdict(jwtIds[0] as string, titles[0] as string, [`a token re-signed with stages.security.jwt.secret is refused (${resigned.status}): the secret (or algorithm ${jwt.algorithm}) is not the one the target signs with, so expiry cannot be tested; fix stages.security.jwt`]);
    } else {
      await expect401(jwtIds[0] as string, titles[0] as string, [
        ['a token that expired a minute ago', await resign(session.token, jwt.secret, jwt.algorithm, { iat: now - 3_600, nbf: now - 3_600, exp: now - 60 })],
        ['a token that expired a day ago', await resign(session.token, jwt.secret, jwt.algorithm, { iat: now - 2 * 86_400, nbf: now - 2 * 86_400, exp: now - 86_400 })],
      ]);
    }
  }
  await expect401(jwtIds[1] as string, titles[1] as string, [
    ['a changed signature byte', withTamperedSignature(session.token)],
    ['changed claims (sub, role: admin) under the original signature', withTamperedClaims(session.token)],
  ]);
  await expect401(jwtIds[2] as string, titles[2] as string, [
    ['alg "none"', withAlgNone(session.token, 'none')],
    ['alg "None"', withAlgNone(session.token, 'None')],
  ]);
}

/** A user deletes their account; their still-unexpired token must stop working. */
async function deletedUser(run: SecurityRun): Promise<void> {
  const auth = run.auth;
  const id = 'security:auth:deleted-user';
  const title = "a deleted user's token is refused";
  if (!auth?.deleteAccount) return run.skip(id, title, 'no target.auth.deleteAccount (e.g. { method: "DELETE", path: "/me" }) to delete a user with');
  const session = await createSession(auth, run.baseUrl, run.settings.seed, { label: 'deleted' });
  const { request, control } = await run.sessionProbe(session);
  if (!succeeded(control)) return run.skip(id, title, unprobed(run, request, control));
  const deletion = await run.send(authRequest(auth.deleteAccount, run.baseUrl, { ...session.credentials, refreshToken: session.refreshToken }, session.headers));
  if (!succeeded(deletion)) return run.verdict(id, title, [`deleting the account (${auth.deleteAccount.method} ${auth.deleteAccount.path}) answered ${deletion.status}: check target.auth.deleteAccount`], { response: deletion });
  const response = await run.send(request);
  run.verdict(id, title, refused(response) ? [] : [`after the account was deleted, ${run.probe?.id} answered ${response.status} to its token, expected 401`], { request, response });
}

/** Rotation works, a rotated token cannot be reused (and reuse revokes the family), an access token is no refresh token. */
async function refreshLifecycle(run: SecurityRun): Promise<void> {
  const auth = run.auth;
  const ids = { reuse: 'security:auth:refresh-reuse', access: 'security:auth:access-token-not-refresh' };
  const titles = { reuse: 'a rotated refresh token cannot be used again, and its reuse revokes the whole family', access: 'an access token is not accepted as a refresh token' };
  if (!auth?.refresh || !auth.refreshToken) {
    const reason = 'no target.auth.refresh and target.auth.refreshToken.path: the refresh flow is not configured';
    run.skip(ids.reuse, titles.reuse, reason);
    run.skip(ids.access, titles.access, reason);
    return;
  }
  const refresh = auth.refresh;
  const rotate = (refreshToken: string) => {
    const request = authRequest(refresh, run.baseUrl, { refreshToken });
    return run.send(request).then((response) => ({ request, response }));
  };
  const session = await createSession(auth, run.baseUrl, run.settings.seed, { label: 'refresh' });
  const first = await rotate(session.refreshToken as string);
  if (!succeeded(first.response)) {
    run.verdict(ids.reuse, titles.reuse, [`rotating a fresh refresh token answered ${first.response.status}: check target.auth.refresh`], first);
  } else {
    const rotated = tokensFrom(auth, first.response, 'refresh');
    const problems: string[] = [];
    const reuse = await rotate(session.refreshToken as string);
    if (!refused(reuse.response)) problems.push(`the rotated refresh token was accepted again (${reuse.response.status}), expected 401`);
    const successor = await rotate(rotated.refreshToken as string);
    if (!refused(successor.response)) problems.push(`after the reuse, the family's newest refresh token still works (${successor.response.status}): reuse must revoke the whole family`);
    run.verdict(ids.reuse, titles.reuse, problems, refused(reuse.response) ? successor : reuse);
  }
  const other = await createSession(auth, run.baseUrl, run.settings.seed, { label: 'access-as-refresh' });
  const asRefresh = await rotate(other.token);
  const problems = succeeded(asRefresh.response) || isServerError(asRefresh.response) ? [`the access token was sent as a refresh token and the answer was ${asRefresh.response.status}, expected 401`] : [];
  run.verdict(ids.access, titles.access, problems, asRefresh);
}

/** After logout the access token (and the refresh token, when logout is given one) no longer work. */
async function logoutRevokes(run: SecurityRun): Promise<void> {
  const auth = run.auth;
  const id = 'security:auth:logout-revokes';
  const title = 'logout revokes the access token (and the refresh token it is given)';
  if (!auth?.logout) return run.skip(id, title, 'no target.auth.logout (e.g. { path: "/auth/logout" }) to log out with');
  const session = await createSession(auth, run.baseUrl, run.settings.seed, { label: `logout${randomBytes(2).toString('hex')}` });
  const { request, control } = await run.sessionProbe(session);
  if (!succeeded(control)) return run.skip(id, title, unprobed(run, request, control));
  const logout = await run.send(sessionAuthRequest(auth.logout, run.baseUrl, session));
  if (!succeeded(logout)) return run.verdict(id, title, [`logout (${auth.logout.method} ${auth.logout.path}) answered ${logout.status}: check target.auth.logout`], { response: logout });
  const problems: string[] = [];
  const response = await run.send(request);
  if (!refused(response)) problems.push(`after logout, ${run.probe?.id} answered ${response.status} to the same access token, expected 401`);
  else if (run.settings.revocationRecheckSeconds > 0) {
    // Again after a while: a deny-list entry that expires too soon lets the token back in.
    await pause(run.settings.revocationRecheckSeconds * 1000);
    const later = await run.send(request);
    if (!refused(later)) problems.push(`after logout the access token was refused at once, but ${run.settings.revocationRecheckSeconds} s later ${run.probe?.id} answered ${later.status} to it again: the revocation lapsed (expected 401 until the token expires)`);
  }
  // A built body may use the refresh token; a template shows whether it does.
  const logoutRevokesRefresh = typeof auth.logout.body === 'function' || JSON.stringify(auth.logout.body).includes('{{refreshToken}}');
  if (logoutRevokesRefresh && auth.refresh && session.refreshToken) {
    const r = await run.send(authRequest(auth.refresh, run.baseUrl, { refreshToken: session.refreshToken }));
    if (!refused(r)) problems.push(`after logout, the refresh token given to it still rotates (${r.status}), expected 401`);
  }
  run.verdict(id, title, problems, { request, response });
}

/** Why a token check cannot tell: the probe refused a fresh, untouched token too. */
function unprobed(run: SecurityRun, request: HttpRequest, control: HttpResponse): string {
  const path = new URL(request.url).pathname;
  return `cannot tell: before anything was done to the token, the probe ${run.probe?.id} (${path}) answered ${control.status} to it, so a refusal afterwards would prove nothing; set stages.security.probe to an operation any logged-in user may call`;
}
