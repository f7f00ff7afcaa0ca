import { randomBytes } from 'node:crypto';
import type { ResolvedConfig } from '../../config/load.ts';
import { send, type HttpResponse } from './_http.ts';

export interface Session {
  headers: Record<string, string>;
  credentials: { email: string; password: string; name: string };
}

export class AuthFlowError extends Error {
  constructor(
    message: string,
    readonly response?: HttpResponse,
  ) {
    super(message);
  }
}

/** A fresh user through the configured auth flow: register (if configured), log in, read the token. */
export async function createSession(auth: NonNullable<ResolvedConfig['target']['auth']>, baseUrl: string, seed: number): Promise<Session> {
  const tag = `${seed}${randomBytes(4).toString('hex')}`;
  const credentials = { email: `gauntlet.${tag}@example.com`, password: `Gauntlet-${tag}-Pw9`, name: `Gauntlet ${tag}` };
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replaceAll('{{email}}', credentials.email).replaceAll('{{password}}', credentials.password).replaceAll('{{name}}', credentials.name);
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  if (auth.register) {
    const r = await send({ method: auth.register.method, url: `${baseUrl}${auth.register.path}`, headers: {}, body: { json: fill(auth.register.body) } });
    if (r.status >= 300) throw new AuthFlowError(`register (${auth.register.method} ${auth.register.path}) answered ${r.status}: ${r.text.slice(0, 300)}`, r);
  }
  const login = await send({ method: auth.login.method, url: `${baseUrl}${auth.login.path}`, headers: {}, body: { json: fill(auth.login.body) } });
  if (login.status >= 300) throw new AuthFlowError(`login (${auth.login.method} ${auth.login.path}) answered ${login.status}: ${login.text.slice(0, 300)}`, login);
  const token = auth.token.path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), login.json);
  if (typeof token !== 'string' || token === '') throw new AuthFlowError(`the login response has no string at "${auth.token.path}" (target.auth.token.path): ${login.text.slice(0, 300)}`, login);
  return { headers: { [auth.header.name.toLowerCase()]: auth.header.scheme ? `${auth.header.scheme} ${token}` : token }, credentials };
}
