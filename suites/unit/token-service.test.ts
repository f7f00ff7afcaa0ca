import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { hashRefreshToken, TokenService } from '../../examples/companion-api/src/modules/auth/token-service.ts';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const at = (seconds: number) => () => seconds;

describe('TokenService', () => {
  it('issues an HS256 access token that verifies with its claims', async () => {
    const tokens = new TokenService(SECRET, 900, at(1_000_000));
    const { token, jti, expiresIn } = await tokens.issueAccess('user-1', 'admin');
    expect(expiresIn).toBe(900);
    await expect(tokens.verifyAccess(token)).resolves.toEqual({ sub: 'user-1', role: 'admin', jti, exp: 1_000_900, ver: 0 });
  });

  it('rejects a token at and after its expiry, accepts it one second before', async () => {
    const issued = await new TokenService(SECRET, 60, at(1_000)).issueAccess('u', 'user');
    await expect(new TokenService(SECRET, 60, at(1_059)).verifyAccess(issued.token)).resolves.toMatchObject({ sub: 'u' });
    await expect(new TokenService(SECRET, 60, at(1_060)).verifyAccess(issued.token)).rejects.toThrow(/exp/);
    await expect(new TokenService(SECRET, 60, at(5_000)).verifyAccess(issued.token)).rejects.toThrow();
  });

  it('rejects alg none', async () => {
    const unsigned = new UnsecuredJWT({ typ: 'access', role: 'admin' }).setSubject('u').setJti('j').setExpirationTime('1h').encode();
    await expect(new TokenService(SECRET, 60).verifyAccess(unsigned)).rejects.toThrow();
  });

  it('rejects a tampered signature and a token signed with another secret', async () => {
    const tokens = new TokenService(SECRET, 60);
    const { token } = await tokens.issueAccess('u', 'user');
    const [h, p, s] = token.split('.');
    const flipped = `${h}.${p}.${(s as string).slice(0, -2)}${(s as string).endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(tokens.verifyAccess(flipped)).rejects.toThrow();
    const foreign = await new TokenService('another-secret-0123456789abcdef0123456', 60).issueAccess('u', 'user');
    await expect(tokens.verifyAccess(foreign.token)).rejects.toThrow();
  });

  it('rejects a validly signed token that is not an access token', async () => {
    const key = new TextEncoder().encode(SECRET);
    const other = await new SignJWT({ typ: 'refresh' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setJti('j').setExpirationTime('1h').sign(key);
    await expect(new TokenService(SECRET, 60).verifyAccess(other)).rejects.toThrow('not an access token');
  });

  it('makes opaque refresh tokens and stores only their hash', () => {
    const tokens = new TokenService(SECRET, 60);
    const a = tokens.newRefreshToken();
    const b = tokens.newRefreshToken();
    expect(a.token).toMatch(/^rt_[\w-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashRefreshToken(a.token));
    expect(a.hash).not.toContain(a.token);
  });
});
