import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate.ts';
import type { HttpResponse } from './send.ts';
import { authHeaders, authRequest, cookieFrom, identityFields, tokensFrom, type AuthConfig } from './session.ts';

const auth = (input: Record<string, unknown>) => validateConfig({ target: { start: { command: 'x' }, auth: { login: { path: '/login' }, ...input } } }, 'test').config.target.auth as AuthConfig;
const response = (json: unknown, headers: [string, string][] = []): HttpResponse => ({ status: 200, headers: new Headers(headers), text: JSON.stringify(json), json, contentType: 'application/json', ms: 1 });

describe('the auth flow as configured', () => {
  it('reads a token nested in an envelope and sends it under the configured scheme', () => {
    const a = auth({ token: { path: 'data.session.token' }, header: { name: 'Authorization', scheme: 'Token' } });
    expect(tokensFrom(a, response({ data: { session: { token: 't1' } } }), 'login').token).toBe('t1');
    expect(authHeaders(a, 't1')).toEqual({ authorization: 'Token t1' });
    expect(authHeaders(auth({ header: { name: 'X-Api-Token', scheme: '' } }), 't1')).toEqual({ 'x-api-token': 't1' });
  });

  it('reads a session cookie from Set-Cookie and sends it back as a cookie', () => {
    const a = auth({ token: { cookie: 'sid' } });
    const r = response({}, [['set-cookie', 'theme=dark; Path=/'], ['set-cookie', 'sid=abc%3D; HttpOnly; Path=/']]);
    expect(cookieFrom(r, 'sid')).toBe('abc=');
    expect(tokensFrom(a, r, 'login').token).toBe('abc=');
    expect(authHeaders(a, 'abc')).toEqual({ cookie: 'sid=abc' });
    expect(() => tokensFrom(a, response({}, [['set-cookie', 'theme=dark']]), 'login')).toThrow('the login response sets no cookie "sid" (target.auth.token.cookie); Set-Cookie: theme');
  });

  it('builds a registration body with a function (a factory), given the fresh credentials', () => {
    const a = auth({ register: { path: '/signup', body: ({ email, password }: { email: string; password: string }) => ({ user: { email, password, nickname: 'Ada' } }) } });
    const request = authRequest(a.register as NonNullable<AuthConfig['register']>, 'http://x', { email: 'e@x.test', password: 'pw-123456789', name: 'n' });
    expect(request.body).toEqual({ json: { user: { email: 'e@x.test', password: 'pw-123456789', nickname: 'Ada' } } });
    const error = (() => {
      try {
        auth({ register: { path: '/signup', body: 42 } });
      } catch (e) {
        return e as { detail: string[] };
      }
    })();
    expect(error?.detail.join('\n')).toMatch(/target\.auth\.register\.body/);
  });

  it('sends a form login as application/x-www-form-urlencoded', () => {
    const request = authRequest({ method: 'POST', path: '/token', body: { username: '{{email}}', password: '{{password}}' }, encoding: 'form' }, 'http://x', { email: 'a+b@example.com', password: 'p w' });
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toEqual({ raw: 'username=a%2Bb%40example.com&password=p+w' });
  });
});

describe('identityFields', () => {
  it('keeps the identity values the sign-up or login sent, never the password or the display name', () => {
    const credentials = { email: 'ann@example.com', password: 'Secret-pw-1', name: 'Ann Example', username: 'u1a2b3c4', phone: '+15551234567' };
    const sent = { request: { method: 'POST', url: 'http://127.0.0.1/register', headers: {}, body: { json: { email: 'ann@example.com', password: 'Secret-pw-1', name: 'Ann Example', phone: '+15551234567' } } }, response: { status: 201, headers: new Headers(), text: '', json: {}, contentType: '', ms: 1 } };
    // The username was never sent: the target does not know it, so it names nobody there.
    expect(identityFields({ credentials, exchanges: [sent] })).toEqual({ email: 'ann@example.com', phone: '+15551234567' });
    expect(identityFields({ credentials })).toEqual({});
  });
});
