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
});
