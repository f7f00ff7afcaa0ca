import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { HttpProblem } from '../lib/problem.ts';

const unauthorized = (detail: string) => new HttpProblem(401, 'Unauthorized', detail, { 'www-authenticate': 'Bearer' });

export const bearerSecurity = [{ bearerAuth: [] }];

/** preHandler: a valid, unrevoked HS256 access token of a user that still exists. */
export function authenticate(deps: Deps) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw unauthorized('missing Authorization header');
    const [scheme, token, extra] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) throw unauthorized('Authorization must be "Bearer <token>"');
    let claims;
    try {
      claims = await deps.tokens.verifyAccess(token);
    } catch {
      throw unauthorized('invalid or expired access token');
    }
    if (await deps.redis.exists(`deny:${claims.jti}`)) throw unauthorized('access token has been revoked');
    const { rows } = await deps.pool.query<{ role: 'user' | 'admin'; token_version: number }>('select role, token_version from users where id = $1', [claims.sub]);
    if (!rows[0] && deps.seams.requireExistingUser) throw unauthorized('the user of this token no longer exists');
    if (rows[0] && rows[0].token_version !== claims.ver) throw unauthorized('the password was changed after this token was issued: log in again');
    request.user = { id: claims.sub, role: rows[0]?.role ?? claims.role, jti: claims.jti, exp: claims.exp };
  };
}

export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (request.user.role !== 'admin') throw new HttpProblem(403, 'Forbidden', 'admin role required');
}
