import { logger } from '../log/logger.ts';
import { send, setSessionRenewer, type HttpRequest } from './send.ts';
import { createSession, login, type AuthConfig, type Session } from './session.ts';

const log = logger('stage');

export interface LiveSession {
  /** One line per renewal: why, and how (logged in again, or a fresh user). */
  renewals: string[];
  stop(): void;
}

/**
 * Keeps a test user's session alive while a stage runs. When a request made with its token answers
 * 401 (or 403 or 404 after a write changed the user's email or password: an API that finds the
 * token's user by its old email answers so) and the probe confirms the token no longer works (an earlier request changed the user's email,
 * username or password, or revoked the token), the session logs in again (a fresh user when the old
 * credentials no longer work either), its headers change in place, so every request built later
 * carries the new ones, and the request is sent once more with them. A check never fails, or passes
 * vacuously, on a token an earlier check invalidated. Without a probe nothing is renewed: a 401 alone
 * cannot tell a dead session from an answer about the request (a wrong current password).
 */
export function keepSessionAlive(auth: AuthConfig, baseUrl: string, seed: number, session: Session, probe: ((headers: Record<string, string>) => HttpRequest) | undefined): LiveSession {
  const renewals: string[] = [];
  const stale: Record<string, string>[] = [];
  let pending: Promise<boolean> | undefined;
  // A write changed the credentials since the token was issued: a 403 or 404 may then be the dead session.
  let changed = false;
  const carried = (request: HttpRequest, headers: Record<string, string>) => Object.keys(headers).length > 0 && Object.entries(headers).every(([k, v]) => request.headers[k] === v);

  const renew = async (): Promise<boolean> => {
    const probeRequest = (probe as (h: Record<string, string>) => HttpRequest)(session.headers);
    const check = await send({ ...probeRequest, noRenewal: true });
    if (check.status !== 401 && !(changed && (check.status === 403 || check.status === 404))) return false;
    const before = { ...session.headers };
    const next = await login(auth, baseUrl, session.credentials)
      .then((s) => ({ s, how: 'logged in again' }))
      .catch(async () => ({ s: await createSession(auth, baseUrl, seed + renewals.length + 1, { label: 'renewed' }), how: 'its credentials no longer work: a fresh user' }));
    stale.push(before);
    for (const key of Object.keys(session.headers)) delete session.headers[key];
    Object.assign(session.headers, next.s.headers);
    Object.assign(session, { token: next.s.token, refreshToken: next.s.refreshToken, credentials: next.s.credentials });
    changed = false;
    renewals.push(`the token stopped working (${probeRequest.method} ${new URL(probeRequest.url).pathname} answered ${check.status}${check.status === 401 ? '' : ' after a write changed the credentials'}): ${next.how}`);
    log('session renewed: %s', renewals.at(-1));
    return true;
  };

  // Where the login body puts the email and the password ({ user: { email } } → user.email): a write
  // with the session that sends a new value there (PUT /user) changed them, and the next login needs it.
  const fields = auth.login ? credentialPaths(auth.login.body) : [];
  const observe = (request: HttpRequest, status: number) => {
    if (status < 200 || status >= 300 || !['POST', 'PUT', 'PATCH'].includes(request.method) || !carried(request, session.headers)) return;
    const body = request.body && 'json' in request.body ? request.body.json : undefined;
    for (const [key, path] of fields) {
      const value = path.reduce<unknown>((node, k) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), body);
      if (typeof value === 'string' && value !== session.credentials[key]) {
        session.credentials = { ...session.credentials, [key]: value };
        changed = true;
      }
    }
  };

  setSessionRenewer({ observe, changed: () => changed, renew: async (request) => {
    if (!probe) return undefined;
    const current = carried(request, session.headers);
    const old = stale.find((h) => carried(request, h));
    if (!current && !old) return undefined;
    if (current) {
      pending ??= renew()
        .catch(() => false)
        .finally(() => (pending = undefined));
      if (!(await pending)) return undefined;
    }
    // Sent with a token that is no longer the session's: the same request with the current one.
    const headers = { ...request.headers };
    for (const key of Object.keys(old ?? stale.at(-1) ?? {})) delete headers[key];
    return { ...request, headers: { ...headers, ...session.headers } };
  } });
  return { renewals, stop: () => setSessionRenewer(undefined) };
}

/** The paths of {{email}} and {{password}} in a login body template (none for a body built by a function). */
function credentialPaths(template: unknown, at: string[] = []): ['email' | 'password' | 'username', string[]][] {
  if (typeof template === 'string') {
    const key = template === '{{email}}' ? 'email' : template === '{{password}}' ? 'password' : template === '{{username}}' ? 'username' : undefined;
    return key ? [[key, at]] : [];
  }
  if (!template || typeof template !== 'object' || Array.isArray(template)) return [];
  return Object.entries(template).flatMap(([k, v]) => credentialPaths(v, [...at, k]));
}
