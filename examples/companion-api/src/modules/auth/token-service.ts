import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { correctSeams, type Seams } from '../../seams.ts';

export interface AccessClaims {
  sub: string;
  role: 'user' | 'admin';
  jti: string;
  exp: number;
  /** The user's session generation when the token was issued: a password change moves it on, which ends every older token. */
  ver: number;
}

/** Access JWTs (HS256 only: `alg: none` and other algorithms are rejected) and opaque refresh tokens. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly accessTtlSeconds: number,
    readonly now: () => number = () => Math.floor(Date.now() / 1000),
    private readonly verify: Seams['verifyAccess'] = correctSeams().verifyAccess,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issueAccess(userId: string, role: AccessClaims['role'], version = 0): Promise<{ token: string; jti: string; expiresIn: number }> {
    const jti = randomUUID();
    const iat = this.now();
    const token = await new SignJWT({ role, typ: 'access', ver: version })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setJti(jti)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.accessTtlSeconds)
      .sign(this.key);
    return { token, jti, expiresIn: this.accessTtlSeconds };
  }

  /** Throws on a bad signature, another algorithm, an expired token or a token that is not an access token. */
  async verifyAccess(token: string): Promise<AccessClaims> {
    return this.verify(this.key, token, this.now());
  }

  newRefreshToken(): { token: string; hash: string } {
    const token = `rt_${randomBytes(32).toString('base64url')}`;
    return { token, hash: hashRefreshToken(token) };
  }
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
