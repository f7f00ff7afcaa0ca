import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { gauntletContext } from '../src/vitest/index.ts';

/**
 * Hand-written security tests for companion-api: promises of this service the generated checks
 * cannot know (token lifetime, what a token may carry, the password policy). The security stage runs
 * them after its own checks (stages.security.tests), against the same target.
 */
const base = () => gauntletContext().targetUrl as string;

async function post(path: string, body: unknown) {
  const response = await fetch(`${base()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as Record<string, any> };
}

async function get(path: string, authorization?: string) {
  const response = await fetch(`${base()}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  return { status: response.status, headers: response.headers, json: (await response.json().catch(() => undefined)) as Record<string, any> };
}

async function login(): Promise<Record<string, any>> {
  const email = `security.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = 'Security-pass-42';
  expect((await post('/auth/register', { email, password, displayName: 'Sec Tester' })).status).toBe(201);
  const session = await post('/auth/login', { email, password });
  expect(session.status).toBe(200);
  return { email, ...session.json };
}

describe('companion-api security promises', () => {
  it('issues access tokens that live 15 minutes at most, as the service promises', async () => {
    const { accessToken, expiresIn } = await login();
    const claims = decodeJwt(accessToken);
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(15 * 60);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60);
  });

  it('puts no personal data in the access token (anyone holding it can read the claims)', async () => {
    const { accessToken, email } = await login();
    const claims = JSON.stringify(decodeJwt(accessToken));
    expect(claims).not.toContain(email);
    expect(claims).not.toContain('Sec Tester');
  });

  it('hands out opaque, high-entropy refresh tokens, not JWTs', async () => {
    const { refreshToken } = await login();
    expect(refreshToken.split('.').length).toBeLessThan(3);
    expect(refreshToken.length).toBeGreaterThanOrEqual(32);
  });

  it.each([
    ['too short', 'Abcdefg12'],
    ['no digit', 'only-letters-here'],
    ['the email itself', '{{email}}'],
  ])('refuses a weak password at registration (%s)', async (_, password) => {
    const email = `weak.${crypto.randomUUID().slice(0, 8)}@example.com`;
    const r = await post('/auth/register', { email, password: password.replace('{{email}}', email), displayName: 'Weak' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(/password/); // in the detail, or as the errors[].path of a schema violation
  });

  // Found by mutation testing (the mutation stage's survivors on the auth plugin): no test sent a
  // malformed Authorization header, a deleted user's token, or checked why a request was refused.
  it.each([
    ['no header', undefined, /missing Authorization header/],
    ['another scheme', 'Basic {{token}}', /Authorization must be "Bearer <token>"/],
    ['the scheme alone', 'Bearer', /Authorization must be "Bearer <token>"/],
    ['a third part', 'Bearer {{token}} extra', /Authorization must be "Bearer <token>"/],
    ['a token that is not one', 'Bearer not-a-jwt', /invalid or expired access token/],
  ])('refuses %s with 401, a Bearer challenge and the reason', async (_, header, reason) => {
    const { accessToken } = await login();
    const r = await get('/me', header?.replace('{{token}}', accessToken));
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.json.detail).toMatch(reason);
  });

  it('accepts the scheme in any case (RFC 9110), and the token only with it', async () => {
    const { accessToken } = await login();
    expect((await get('/me', `bearer ${accessToken}`)).status).toBe(200);
    expect((await get('/me', `BEARER ${accessToken}`)).status).toBe(200);
  });

  it("refuses a deleted user's token, naming why", async () => {
    const { accessToken } = await login();
    const response = await fetch(`${base()}/me`, { method: 'DELETE', headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(204);
    const r = await get('/me', `Bearer ${accessToken}`);
    expect(r.status).toBe(401);
    expect(r.json.detail).toMatch(/the user of this token no longer exists|revoked/);
  });

  it('keeps admin operations from normal users with 403, naming the role', async () => {
    const { accessToken } = await login();
    const r = await get('/admin/escalations', `Bearer ${accessToken}`);
    expect(r.status).toBe(403);
    expect(r.json.detail).toBe('admin role required');
  });

  it('ends every older session on a password change, naming why, and the answer is a working new session', async () => {
    const { email, accessToken } = await login();
    const response = await fetch(`${base()}/me/password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: 'Security-pass-42', newPassword: 'Security-pass-43' }),
    });
    expect(response.status).toBe(200);
    const fresh = (await response.json()) as Record<string, any>;
    const old = await get('/me', `Bearer ${accessToken}`);
    expect(old.status).toBe(401);
    expect(old.json.detail).toMatch(/the password was changed after this token was issued/);
    const now = await get('/me', `Bearer ${fresh.accessToken}`);
    expect(now.status).toBe(200);
    expect(now.json.email).toBe(email);
    expect((await post('/auth/login', { email, password: 'Security-pass-42' })).status).toBe(401);
  });
});
