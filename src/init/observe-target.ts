import { authRequest, freshCredentials, readPath } from '../http/session.ts';
import { send, type HttpResponse } from '../http/send.ts';
import type { OpenApiDocument } from '../openapi/document.ts';
import { basePathOf, listOperations } from '../openapi/operations.ts';
import { findProbe } from '../openapi/plan.ts';
import type { Inferred } from './infer.ts';

/**
 * What init learns from the target it started, where the document may be silent or wrong: a
 * health path that really answers, where the login answer carries the token, and which header
 * scheme the API takes it under. Each is written into the config with the request that proved it.
 */
export interface Observed {
  health?: { path: string; status: number };
  tokenPath?: string;
  cookie?: string;
  scheme?: string;
  notes: string[];
}

const WELL_KNOWN = ['/health', '/healthz', '/health/live', '/livez', '/readyz', '/ready', '/status', '/ping'];

/**
 * The health path: the documented one, the well-known ones, the document's own path, `/`, then a
 * documented public GET: the first that answers 2xx. With none, `/` and the status it answers once
 * the app is up (gin's 404): weak, but what a person would have to write by hand.
 */
async function healthPath(baseUrl: string, doc: OpenApiDocument, inferred: Inferred, documentPath: string | undefined): Promise<Observed['health']> {
  const base = basePathOf(doc);
  const publicGets = listOperations(doc, base).filter((op) => op.method === 'GET' && !op.secured && !op.parameters.some((p) => p.required || p.in === 'path')).map((op) => op.path);
  const candidates = [...(inferred.health.found ? [inferred.health.path] : []), ...WELL_KNOWN.map((p) => `${base}${p}`), ...(base ? WELL_KNOWN : []), ...(documentPath ? [documentPath] : []), '/', ...publicGets];
  let root: HttpResponse | undefined;
  for (const path of [...new Set(candidates)]) {
    const r = await send({ method: 'GET', url: `${baseUrl}${path}`, headers: {} }, 5_000).catch(() => undefined);
    if (r && r.status >= 200 && r.status < 300) return { path, status: r.status };
    if (path === '/') root = r;
  }
  return root && root.status > 0 && root.status < 500 ? { path: '/', status: root.status } : undefined;
}

/** The dot path of the token in a login answer: a JWT-shaped string first, else a field named like a token, breadth first. */
export function tokenPathIn(json: unknown): string | undefined {
  const queue: [unknown, string][] = [[json, '']];
  const named: string[] = [];
  while (queue.length > 0) {
    const [node, prefix] = queue.shift() as [unknown, string];
    if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      const at = `${prefix}${key}`;
      if (typeof value === 'string' && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value) && value.length > 30 && !/refresh/i.test(key)) return at;
      if (typeof value === 'string' && value.length >= 16 && /^(access_?token|token|jwt|id_?token|auth_?token|key|session)$/i.test(key)) named.push(at);
      if (value && typeof value === 'object') queue.push([value, `${at}.`]);
    }
  }
  return named[0];
}

/** Registers and logs in a fresh user the way the config will, finds the token and the scheme the probe accepts it under. */
async function authFlow(baseUrl: string, doc: OpenApiDocument, inferred: Inferred): Promise<Omit<Observed, 'health'>> {
  const notes: string[] = [];
  if (!inferred.login) return { notes };
  const credentials = freshCredentials(1, 'init');
  if (inferred.register) {
    const r = await send(authRequest({ method: 'POST', path: inferred.register.path, body: inferred.register.body }, baseUrl, { ...credentials }), 10_000);
    if (r.status >= 300) {
      notes.push(`init registered a test user (POST ${inferred.register.path}) and got ${r.status}: ${r.text.slice(0, 160)}; check target.auth.register's body`);
      return { notes };
    }
  }
  const login: HttpResponse = await send(authRequest({ method: 'POST', path: inferred.login.path, body: inferred.login.body, ...(inferred.login.encoding ? { encoding: inferred.login.encoding } : {}) }, baseUrl, { ...credentials }), 10_000);
  if (login.status >= 300) {
    notes.push(`init logged a fresh user in (POST ${inferred.login.path}) and got ${login.status}: ${login.text.slice(0, 160)}; check target.auth.login's body`);
    return { notes };
  }
  const tokenPath = tokenPathIn(login.json);
  const setCookie = login.headers.getSetCookie?.() ?? [];
  const cookie = !tokenPath && setCookie.length > 0 ? /^([^=;]+)=/.exec(setCookie[0] as string)?.[1] : undefined;
  if (!tokenPath) {
    if (!cookie) notes.push(`POST ${inferred.login.path} answered ${login.status} without a token init could find (${login.text.slice(0, 120)}): set target.auth.token.path`);
    return { ...(cookie ? { cookie } : {}), notes };
  }
  const token = String(readPath(login.json, tokenPath));
  // The scheme: the one the document says, else Bearer, Token, JWT or none, whichever the probe accepts.
  const ops = listOperations(doc, basePathOf(doc));
  const probe = findProbe(ops, undefined);
  if (!probe || probe.parameters.some((p) => p.in === 'path') || !inferred.header) return { tokenPath, notes };
  const name = inferred.header.name.toLowerCase();
  for (const scheme of [...new Set([inferred.header.scheme, 'Bearer', 'Token', 'JWT', ''])]) {
    const r = await send({ method: 'GET', url: `${baseUrl}${probe.path}`, headers: { [name]: scheme ? `${scheme} ${token}` : token } }, 10_000);
    if (r.status >= 200 && r.status < 300) return { tokenPath, scheme, notes };
  }
  notes.push(`${probe.id} refused the fresh token under every scheme init tried (${inferred.header.scheme || 'none'}, Bearer, Token, JWT): check target.auth.header`);
  return { tokenPath, notes };
}

/** Everything init checks against the started target; a failure to observe is a note, never init's end. */
export async function observeTarget(baseUrl: string, doc: OpenApiDocument, inferred: Inferred, documentPath: string | undefined): Promise<Observed> {
  const health = await healthPath(baseUrl, doc, inferred, documentPath);
  const auth = await authFlow(baseUrl, doc, inferred).catch((error: Error) => ({ notes: [`init could not try the auth flow against the target: ${error.message}`] }));
  return { ...(health ? { health } : {}), ...auth };
}

/** The inferred config, corrected by what the target showed. */
export function applyObserved(inferred: Inferred, observed: Observed): Inferred {
  const notes = [...inferred.notes.filter((n) => !(observed.tokenPath && /no token property found/.test(n))), ...observed.notes];
  return {
    ...inferred,
    ...(observed.health ? { health: { path: observed.health.path, found: true, checked: true, ...(observed.health.status >= 300 ? { status: observed.health.status } : {}) } } : {}),
    ...(observed.tokenPath ? { tokenPath: observed.tokenPath, tokenChecked: true } : {}),
    ...(observed.cookie && !inferred.cookie ? { cookie: observed.cookie } : {}),
    ...(observed.scheme !== undefined && inferred.header ? { header: { ...inferred.header, scheme: observed.scheme, why: `${observed.scheme ? `"${observed.scheme} <token>"` : 'the bare token'} is what the API accepted when init logged in` } } : {}),
    notes,
  };
}
