import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export interface AccessClaims {
  sub: string;
  role: 'user' | 'admin';
  jti: string;
  exp: number;
}

/** Access JWTs (HS256 only: `alg: none` and other algorithms are rejected) and opaque refresh tokens. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly accessTtlSeconds: number,
    readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issueAccess(userId: string, role: AccessClaims['role']): Promise<{ token: string; jti: string; expiresIn: number }> {
    const jti = randomUUID();
    const iat = this.now();
    const token = await new SignJWT({ role, typ: 'access' })
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
    const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], currentDate: new Date(this.now() * 1000) });
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') {
      throw new Error('not an access token');
    }
    const role = payload.role === 'admin' ? 'admin' : 'user';
    return { sub: payload.sub, role, jti: payload.jti, exp: payload.exp };
  }

  newRefreshToken(): { token: string; hash: string } {
    const token = `rt_${randomBytes(32).toString('base64url')}`;
    return { token, hash: hashRefreshToken(token) };
  }
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
