import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../http/send.ts';
import { isJwt, resign, withAlgNone, withTamperedClaims, withTamperedSignature } from './_jwt.ts';
import { PAYLOADS } from './_payloads.ts';
import { judge } from './injection.ts';
import { retryAfterSeconds } from './rate-limits.ts';

const secret = 'unit-test-secret-0123456789abcdef0123';
const key = new TextEncoder().encode(secret);
const token = await new SignJWT({ sub: 'user-1', role: 'user', typ: 'access' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('15m').sign(key);

const response = (status: number, json: unknown, ms = 10, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: new Headers(headers),
  text: JSON.stringify(json),
  json,
  contentType: 'application/json',
  ms,
});
const payload = (name: string) => PAYLOADS.find((p) => p.name === name) ?? (() => { throw new Error(name); })();

describe('forged tokens', () => {
  it('alg none keeps the claims, drops the signature, and no verifier accepts it', async () => {
    const forged = withAlgNone(token);
    expect(forged.endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(forged).alg).toBe('none');
    expect(decodeJwt(forged)).toEqual(decodeJwt(token));
    await expect(jwtVerify(forged, key)).rejects.toThrow();
  });

  it('a tampered signature differs in a real byte (not only base64 padding bits) and fails verification', async () => {
    const forged = withTamperedSignature(token);
    expect(Buffer.from(forged.split('.')[2] as string, 'base64url').equals(Buffer.from(token.split('.')[2] as string, 'base64url'))).toBe(false);
    await expect(jwtVerify(forged, key)).rejects.toThrow(/signature/);
  });

  it('tampered claims keep the signature and fail verification', async () => {
    const forged = withTamperedClaims(token);
    expect(decodeJwt(forged)).toMatchObject({ role: 'admin', sub: '1-resu' });
    await expect(jwtVerify(forged, key)).rejects.toThrow(/signature/);
  });

  it('re-signing with the right secret verifies; with an expiry in the past it is expired', async () => {
    await expect(jwtVerify(await resign(token, secret, 'HS256'), key)).resolves.toBeDefined();
    const now = Math.floor(Date.now() / 1000);
    await expect(jwtVerify(await resign(token, secret, 'HS256', { exp: now - 60 }), key)).rejects.toThrow(/exp/);
  });

  it('tells JWTs from opaque tokens', () => {
    expect(isJwt(token)).toBe(true);
    expect(isJwt('rt_opaque-token')).toBe(false);
  });
});

describe('injection judgement', () => {
  const baseline = response(200, []);
  it('a tautology that returns rows a nonsense term does not is a finding; the same count is not', () => {
    expect(judge(payload('sql tautology (like)'), response(200, [{ id: 1 }, { id: 2 }]), baseline, false, 1_500)).toEqual(['returned 2 rows where a nonsense term returned 0: the payload changed the query']);
    expect(judge(payload('sql tautology (like)'), response(200, []), baseline, false, 1_500)).toEqual([]);
  });

  it('5xx, database error text, /etc/passwd and an injected header are findings for any payload', () => {
    expect(judge(payload('sql quote'), response(500, { error: 'x' }), baseline, false, 1_500)).toEqual(['answered 500: a server error']);
    expect(judge(payload('sql quote'), response(400, { error: 'unterminated quoted string at or near "\'"' }), baseline, false, 1_500)[0]).toMatch(/database error text/);
    expect(judge(payload('path traversal'), response(200, { text: 'root:x:0:0:root:/root:/bin/bash' }), baseline, false, 1_500)).toEqual(['the response contains /etc/passwd']);
    expect(judge(payload('header CRLF'), response(200, {}, 10, { 'x-gauntlet-injected': '1' }), baseline, false, 1_500)[0]).toMatch(/injected header/);
  });

  it('a documented 503 with Retry-After is graceful; a 4xx refusal is no finding', () => {
    expect(judge(payload('sql quote'), response(503, {}, 10, { 'retry-after': '5' }), baseline, false, 1_500)).toEqual([]);
    expect(judge(payload('sql quote'), response(400, { error: 'bad request' }), baseline, false, 1_500)).toEqual([]);
  });

  it('login succeeding with a payload where the baseline failed is an auth bypass', () => {
    expect(judge(payload('sql tautology (comment)'), response(200, { token: 't' }), response(401, {}), true, 1_500)[0]).toMatch(/authentication bypass/);
    expect(judge(payload('sql tautology (comment)'), response(401, {}), response(401, {}), true, 1_500)).toEqual([]);
  });

  it('only time payloads are judged by time, against the threshold', () => {
    expect(judge(payload('sql time (concatenated pg_sleep)'), response(200, [], 2_100), response(200, [], 20), false, 1_500)[0]).toMatch(/slower than the baseline by 2080 ms/);
    expect(judge(payload('sql time (concatenated pg_sleep)'), response(200, [], 900), response(200, [], 20), false, 1_500)).toEqual([]);
    expect(judge(payload('sql quote'), response(400, {}, 2_100), response(200, [], 20), false, 1_500)).toEqual([]);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates, and rejects garbage', () => {
    expect(retryAfterSeconds('5')).toBe(5);
    expect(retryAfterSeconds(new Date(Date.parse('2026-01-01T00:00:10Z')).toUTCString(), Date.parse('2026-01-01T00:00:00Z'))).toBe(10);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });
});
