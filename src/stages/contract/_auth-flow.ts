import type { ResolvedConfig } from '../../config/load.ts';
import type { HttpRequest } from '../../http/send.ts';
import { authRequest, createSession, freshCredentials, sessionAuthRequest, type AuthConfig, type Session } from '../../http/session.ts';
import { logger } from '../../log/logger.ts';
import type { Operation } from '../../openapi/operations.ts';
import { trimSlash } from '../../openapi/resources.ts';

const log = logger('stage');

/**
 * The valid request of an operation that is part of the auth flow (target.auth), built the way the
 * flow sends it: a registration with a new user's fresh credentials, a login with the test user's
 * own, a refresh, logout or account deletion with its real refresh token and session, a password
 * change as a user of its own (`changer`: the change may end every session of its user). A generated
 * body there (a made-up refresh token, an unknown user) only ever reaches the 401 it deserves.
 * Undefined for every other operation.
 */
export function authFlowRequest(op: Operation, auth: AuthConfig | undefined, user: Session | undefined, baseUrl: string, session: Record<string, string>, seed: number, changer?: Session): HttpRequest | undefined {
  const same = (s: { method: string; path: string } | undefined) => s !== undefined && s.method === op.method && trimSlash(s.path) === trimSlash(op.path);
  if (!auth || !user) return undefined;
  if (same(auth.register) && auth.register) return authRequest(auth.register, baseUrl, { ...freshCredentials(seed, 'contract') });
  if (same(auth.login) && auth.login) return authRequest(auth.login, baseUrl, { ...user.credentials });
  if (same(auth.changePassword) && auth.changePassword && changer) {
    return sessionAuthRequest(auth.changePassword, baseUrl, changer, { newPassword: freshCredentials(seed, 'changed').password });
  }
  const spec = [auth.refresh, auth.logout, auth.deleteAccount].find(same);
  return spec ? sessionAuthRequest(spec, baseUrl, user, {}, session) : undefined;
}

/** The admin the config names for the generated stages: stages.security.admin.credentials, else stages.e2e.admin. */
export const adminCredentials = (config: ResolvedConfig) => config.stages.security.admin.credentials ?? config.stages.e2e?.admin;

/** The configured admin's session (registered if new), or undefined when there is none or it cannot log in (logged). */
export async function adminSession(auth: AuthConfig, credentials: { email: string; password: string } | undefined, baseUrl: string, seed: number): Promise<Session | undefined> {
  if (!credentials) return undefined;
  return createSession(auth, baseUrl, seed, { credentials: { name: 'Gauntlet admin', ...credentials }, existingOk: true }).catch((error: Error) => {
    log('the configured admin could not log in, so no operation is sent as the admin: %s', error.message);
    return undefined;
  });
}
