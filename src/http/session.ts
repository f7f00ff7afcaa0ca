import { registerSecret } from '../redact/secrets.ts';
import { randomBytes } from 'node:crypto';
import type { ResolvedConfig } from '../config/load.ts';
import type { BodyBuilder } from '../config/schema.ts';
import { send, type HttpRequest, type HttpResponse } from './send.ts';
import { deepField } from '../openapi/resources.ts';
import { runUserCommand } from './user-command.ts';

export type AuthConfig = NonNullable<ResolvedConfig['target']['auth']>;

export interface Credentials {
  email: string;
  password: string;
  name: string;
  /** Letters and digits, 9 characters (`{{username}}`): fits the usual username rules (5–10, 3–30, alphanumeric). */
  username?: string;
  /** E.164, `+1555` and seven digits (`{{phone}}`): a private field the exposure checks look for in other users' reads. */
  phone?: string;
}

export interface Session {
  /** The header that authenticates this user: `{ authorization: 'Bearer <token>' }` by default. */
  headers: Record<string, string>;
  credentials: Credentials;
  token: string;
  /** From the login response at target.auth.refreshToken.path, when configured. */
  refreshToken: string | undefined;
  /** The auth flow's own requests and answers (register, login), for the stages that judge every answer. */
  exchanges?: { request: HttpRequest; response: HttpResponse }[];
  /** The user's own id, when the login answer shows one (`{"id": 1, "token": …}`, `user.id`): for `userId` fields in bodies. */
  userId?: string | number;
}

export class AuthFlowError extends Error {
  constructor(
    message: string,
    readonly response?: HttpResponse,
  ) {
    super(message);
  }
}

/**
 * The identity values of a user that the target knows: those of its credentials (email, username,
 * phone; never the password or the display name) that its sign-up or login sent. A value the target
 * never got would name nobody (a 404 that proves nothing).
 */
export function identityFields(session: Pick<Session, 'credentials' | 'exchanges'>): Record<string, string> {
  const sent = (session.exchanges ?? []).map(({ request }) => (request.body ? JSON.stringify(request.body) : '')).join('\n');
  return Object.fromEntries(Object.entries(session.credentials).filter((e): e is [string, string] => !['password', 'name'].includes(e[0]) && typeof e[1] === 'string' && e[1] !== '' && sent.includes(e[1])));
}

/** Fresh credentials for a test user, unique per call. */
export function freshCredentials(seed: number, label = 'user'): Credentials {
  const tag = `${seed}${randomBytes(4).toString('hex')}`;
  const credentials = { email: `gauntlet.${label}.${tag}@example.com`, password: `Gt-${tag}-Pw9`, name: `Gauntlet ${label} ${tag}`, username: `u${randomBytes(4).toString('hex')}`, phone: `+1555${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}` };
  registerSecret(credentials.password, `«the password of ${credentials.email}»`);
  return credentials;
}

/** Fills {{email}}, {{password}}, {{name}}, {{username}}, {{phone}}, {{refreshToken}}, {{accessToken}} (and {{newPassword}} for a password change) in a body template. */
export function fillTemplate(value: unknown, values: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
  if (Array.isArray(value)) return value.map((v) => fillTemplate(v, values));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, values)]));
  return value;
}

/** A dot path into JSON ("data.session.token"). */
export function readPath(json: unknown, dotPath: string): unknown {
  return dotPath.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), json);
}

/** The header that carries `token` as the target expects it. */
export function authHeaders(auth: AuthConfig, token: string, scheme: string | undefined = auth.header.scheme): Record<string, string> {
  if (auth.token.cookie) return { cookie: `${auth.token.cookie}=${token}` };
  return { [auth.header.name.toLowerCase()]: scheme ? `${scheme} ${token}` : token };
}

/** The value of cookie `name` among a response's Set-Cookie headers. */
export function cookieFrom(response: HttpResponse, name: string): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair?.indexOf('=') ?? -1;
    if (pair && at > 0 && pair.slice(0, at).trim() === name) return decodeURIComponent(pair.slice(at + 1).trim());
  }
  return undefined;
}

/** One request of the auth flow (register, login, refresh, logout, delete account) with its template filled. */
export function authRequest(spec: { method: string; path: string; body: Record<string, unknown> | BodyBuilder; encoding?: 'json' | 'form' }, baseUrl: string, values: Record<string, string | undefined>, headers: Record<string, string> = {}): HttpRequest {
  const built = typeof spec.body === 'function';
  const hasBody = spec.method !== 'GET' && spec.method !== 'DELETE' && (built || Object.keys(spec.body).length > 0);
  const request: HttpRequest = { method: spec.method, url: `${baseUrl}${spec.path}`, headers };
  if (!hasBody) return request;
  const filled = typeof spec.body === 'function' ? spec.body(values as Parameters<BodyBuilder>[0]) : (fillTemplate(spec.body, values) as Record<string, unknown>);
  if (spec.encoding === 'form') {
    const form = new URLSearchParams(Object.fromEntries(Object.entries(filled).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
    return { ...request, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: { raw: form.toString() } };
  }
  return { ...request, body: { json: filled } };
}

/**
 * A request of the auth flow sent as `session` (logout, a password change): its credentials, refresh
 * token and access token fill the template, with `values` on top, and its headers authenticate it.
 */
export function sessionAuthRequest(spec: Parameters<typeof authRequest>[0], baseUrl: string, session: Session, values: Record<string, string | undefined> = {}, headers: Record<string, string> = session.headers): HttpRequest {
  return authRequest(spec, baseUrl, { ...session.credentials, refreshToken: session.refreshToken, accessToken: session.token, ...values }, headers);
}

/** Reads the tokens of a login (or refresh) response; throws AuthFlowError naming the config key when absent. */
export function tokensFrom(auth: AuthConfig, response: HttpResponse, what: string): { token: string; refreshToken: string | undefined } {
  const token = auth.token.cookie ? cookieFrom(response, auth.token.cookie) : readPath(response.json, auth.token.path);
  if (auth.token.cookie && !token) throw new AuthFlowError(`the ${what} response sets no cookie "${auth.token.cookie}" (target.auth.token.cookie); Set-Cookie: ${response.headers.getSetCookie().map((c) => c.split('=')[0]).join(', ') || 'none'}`, response);
  if (typeof token !== 'string' || token === '') throw new AuthFlowError(`the ${what} response has no string at "${auth.token.path}" (target.auth.token.path): ${response.text.slice(0, 300)}`, response);
  const refreshToken = auth.refreshToken ? readPath(response.json, auth.refreshToken.path) : undefined;
  if (auth.refreshToken && (typeof refreshToken !== 'string' || refreshToken === '')) {
    throw new AuthFlowError(`the ${what} response has no string at "${auth.refreshToken.path}" (target.auth.refreshToken.path): ${response.text.slice(0, 300)}`, response);
  }
  registerSecret(token, `«an access token: log in as the test user (target.auth.login) and put its ${auth.token.cookie ? `cookie ${auth.token.cookie}` : 'token'} here»`);
  registerSecret(refreshToken as string | undefined, '«a refresh token: log in as the test user (target.auth.login) and put its refresh token here»');
  return { token, refreshToken: refreshToken as string | undefined };
}

/**
 * Headers per OpenAPI security scheme (target.auth.schemes), kept beside a session's headers object:
 * buildRequest sends an operation that requires one of those schemes with its headers instead.
 */
const bySchemeOf = new WeakMap<Record<string, string>, Record<string, Record<string, string>>>();

/** The headers an operation that accepts `schemes` (in the document's order) is sent with, from a session's headers. */
export function headersForSchemes(headers: Record<string, string>, schemes: string[] | undefined): Record<string, string> {
  const byScheme = bySchemeOf.get(headers);
  const chosen = byScheme && schemes?.find((s) => byScheme[s] !== undefined);
  return chosen && byScheme ? (byScheme[chosen] as Record<string, string>) : headers;
}

/** A token (a real one, or a forged one) in the header an operation's schemes take it in: target.auth.schemes' `{ name, scheme }` for one of them, else the default. */
export function tokenHeadersFor(auth: AuthConfig, token: string, schemes: string[] | undefined): Record<string, string> {
  const how = schemes?.map((s) => auth.schemes?.[s]).find((h): h is { name: string; scheme: string } => typeof h === 'object');
  return how ? { [how.name.toLowerCase()]: how.scheme ? `${how.scheme} ${token}` : token } : authHeaders(auth, token);
}

function basicHeader(credentials: Credentials): Record<string, string> {
  const encoded = Buffer.from(`${credentials.username ?? credentials.email}:${credentials.password}`).toString('base64');
  registerSecret(encoded, "«base64 of the test user's username:password»");
  return { authorization: `Basic ${encoded}` };
}

/** The session of a user whose token is known (or who authenticates with Basic), with its per-scheme headers. */
function sessionFor(auth: AuthConfig, credentials: Credentials, token: string, extra: Partial<Session> = {}): Session {
  const headers = auth.basic ? basicHeader(credentials) : authHeaders(auth, token);
  const byScheme = Object.fromEntries(Object.entries(auth.schemes ?? {}).map(([name, how]) => [name, how === 'basic' ? basicHeader(credentials) : { [how.name.toLowerCase()]: how.scheme ? `${how.scheme} ${token}` : token }]));
  if (Object.keys(byScheme).length) bySchemeOf.set(headers, byScheme);
  return { headers, credentials, token, refreshToken: undefined, ...extra };
}

/** Logs in with known credentials (with `basic` and no login, or a token from createUser's output: no request). */
export async function login(auth: AuthConfig, baseUrl: string, credentials: Credentials, output?: string): Promise<Session> {
  if (!auth.login) {
    const token = auth.token?.fromOutput ? new RegExp(auth.token.fromOutput).exec(output ?? '')?.[1] : undefined;
    if (auth.token?.fromOutput && !token) throw new AuthFlowError(`target.auth.token.fromOutput (${auth.token.fromOutput}) matched nothing in the output of target.auth.createUser: ${(output ?? '').trim().slice(-300)}`);
    registerSecret(token, '«an access token: create the test user (target.auth.createUser) and put its token here»');
    return sessionFor(auth, credentials, token ?? '');
  }
  const request = authRequest(auth.login, baseUrl, { ...credentials });
  const response = await send(request);
  if (response.status >= 300) throw new AuthFlowError(`login (${auth.login.method} ${auth.login.path}) answered ${response.status}: ${response.text.slice(0, 300)}`, response);
  const { token, refreshToken } = tokensFrom(auth, response, 'login');
  const userId = deepField(response.json, 'id');
  return sessionFor(auth, credentials, token, { refreshToken, exchanges: [{ request, response }], ...(userId !== undefined ? { userId } : {}) });
}

/** Registers a fresh account without logging in (a login may count against a login rate limit). */
export async function registerOnly(auth: AuthConfig, baseUrl: string, seed: number, label: string): Promise<Credentials> {
  const credentials = freshCredentials(seed, label);
  if (auth.createUser) await runUserCommand(auth.createUser, credentials);
  if (!auth.register) return credentials;
  const r = await send(authRequest(auth.register, baseUrl, { ...credentials }));
  if (r.status >= 300) throw new AuthFlowError(`register (${auth.register.method} ${auth.register.path}) answered ${r.status}: ${r.text.slice(0, 300)}`, r);
  return credentials;
}

/**
 * A user through the configured auth flow: register (if configured), log in, read the tokens.
 * With `options.existingOk`, a register that answers 409 (the account is there already) is fine.
 */
export async function createSession(auth: AuthConfig, baseUrl: string, seed: number, options: { credentials?: Credentials; label?: string; existingOk?: boolean } = {}): Promise<Session> {
  const credentials = options.credentials ?? freshCredentials(seed, options.label);
  const exchanges: { request: HttpRequest; response: HttpResponse }[] = [];
  // Made by a command (no sign-up route): once per credentials; a known account (the admin) again is fine.
  let output: string | undefined;
  if (auth.createUser) output = await runUserCommand(auth.createUser, credentials).catch((error: unknown) => (options.existingOk ? '' : Promise.reject(error)));
  if (auth.register) {
    const request = authRequest(auth.register, baseUrl, { ...credentials });
    const r = await send(request);
    if (r.status >= 300 && !(options.existingOk && r.status === 409)) throw new AuthFlowError(`register (${auth.register.method} ${auth.register.path}) answered ${r.status}: ${r.text.slice(0, 300)}`, r);
    exchanges.push({ request, response: r });
  }
  const session = await login(auth, baseUrl, credentials, output);
  return { ...session, exchanges: [...exchanges, ...(session.exchanges ?? [])] };
}
