import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { registerSecret } from '../../redact/secrets.ts';

/**
 * Forged variants of a real access token, for the authentication checks. jose decodes and signs;
 * the unsigned and tampered forms are built by hand because no library will produce them on purpose.
 */

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function isJwt(token: string): boolean {
  try {
    decodeProtectedHeader(token);
    decodeJwt(token);
    return true;
  } catch {
    return false;
  }
}

/** The same claims under `alg: none` with an empty signature (RFC 7519 "unsecured JWT"). */
export function withAlgNone(token: string, alg = 'none'): string {
  const header = { ...decodeProtectedHeader(token), alg };
  const [, payload] = token.split('.');
  return `${b64(header)}.${payload}.`;
}

/** The same header and claims with one signature byte changed. */
export function withTamperedSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.length === 0) return `${header}.${payload}.AAAA`;
  bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0xff;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/** Claims changed (a different subject, an admin role) under the original signature. */
export function withTamperedClaims(token: string): string {
  const [header, , signature] = token.split('.');
  const claims = decodeJwt(token);
  const changed = { ...claims, sub: typeof claims.sub === 'string' ? [...claims.sub].reverse().join('') : 'gauntlet', role: 'admin' };
  return `${header}.${b64(changed)}.${signature}`;
}

/** The token's claims re-signed with `secret`, with `patch` applied (e.g. an expiry in the past). */
export async function resign(token: string, secret: string, algorithm: string, patch: Record<string, unknown> = {}): Promise<string> {
  const header = decodeProtectedHeader(token);
  const claims = { ...decodeJwt(token), ...patch };
  const signed = await new SignJWT(claims).setProtectedHeader({ ...header, alg: algorithm }).sign(new TextEncoder().encode(secret));
  // One that has not expired is as good as an issued token: never shown. An expired one is the attack a check sends.
  if (typeof claims.exp !== 'number' || claims.exp * 1000 > Date.now()) registerSecret(signed, '«a token re-signed with stages.security.jwt.secret: log in as the test user and put its token here»');
  return signed;
}
