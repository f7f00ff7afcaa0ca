import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepSessionAlive } from './live-session.ts';
import { send } from './send.ts';
import { createSession, type AuthConfig } from './session.ts';

/**
 * A target that finds a token's user by the email the token names, and answers 403 when that user is
 * gone (as some APIs do, where others answer 401): after a write changed the email, the session must
 * be renewed on that 403, and the request sent again; a 403 without such a write stays the answer.
 */
const users = new Map<string, string>(); // email → password
const tokens = new Map<string, string>(); // token → email
let base = '';
const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const body = raw ? (JSON.parse(raw) as Record<string, string>) : {};
    const reply = (status: number, json?: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json ?? {}));
    if (req.url === '/register') return users.set(body.email as string, body.password as string), reply(201);
    if (req.url === '/login') {
      if (users.get(body.email as string) !== body.password) return reply(401);
      const token = `tok-${tokens.size}-${Date.now()}`;
      tokens.set(token, body.email as string);
      return reply(200, { token });
    }
    const email = tokens.get((req.headers.authorization ?? '').replace('Bearer ', ''));
    if (!email) return reply(401);
    if (!users.has(email)) return reply(403, { detail: 'no such user' }); // the token's user, by its old email
    if (req.url === '/me' && req.method === 'PUT') {
      const password = users.get(email) as string;
      users.delete(email);
      users.set(body.email as string, password);
      return reply(200, { email: body.email });
    }
    if (req.url === '/admin') return reply(403, { detail: 'admins only' });
    return reply(200, { email });
  });
});

const auth = {
  register: { method: 'POST', path: '/register', body: { email: '{{email}}', password: '{{password}}' }, encoding: 'json' },
  login: { method: 'POST', path: '/login', body: { email: '{{email}}', password: '{{password}}' }, encoding: 'json' },
  token: { path: 'token' },
  header: { name: 'authorization', scheme: 'Bearer' },
  basic: false,
  schemes: {},
} as unknown as AuthConfig;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a session kept alive', () => {
  it('is renewed on a 403 after a write changed its email, and the request is sent again; a 403 of its own stays', async () => {
    const session = await createSession(auth, base, 1);
    const live = keepSessionAlive(auth, base, 1, session, (headers) => ({ method: 'GET', url: `${base}/me`, headers }));
    try {
      const email = `changed.${Date.now()}@example.com`;
      expect((await send({ method: 'PUT', url: `${base}/me`, headers: session.headers, body: { json: { email } } })).status).toBe(200);
      // The old token now answers 403: renewed with the new email, and the read answers as the user.
      const read = await send({ method: 'GET', url: `${base}/me`, headers: session.headers });
      expect(read.status).toBe(200);
      expect(read.json).toEqual({ email });
      expect(live.renewals).toEqual([expect.stringMatching(/^the token stopped working \(GET \/me answered 403 after a write changed the credentials\): logged in again$/)]);
      // An answer about the request (admins only) is no dead session: nothing is renewed.
      expect((await send({ method: 'GET', url: `${base}/admin`, headers: session.headers })).status).toBe(403);
      expect(live.renewals).toHaveLength(1);
    } finally {
      live.stop();
    }
  });
});
