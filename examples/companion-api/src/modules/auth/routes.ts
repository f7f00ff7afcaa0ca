import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../lib/passwords.ts';
import { HttpProblem, problemRef } from '../../lib/problem.ts';
import { normaliseAccountKey } from '../../lib/rate-limit.ts';
import { authenticate, bearerSecurity } from '../../plugins/auth.ts';
import { enforce, type Limits } from '../../plugins/rate-limits.ts';
import { RefreshStore } from './refresh-store.ts';
import { credentialsBody, registerBody, toUser, type UserRow } from './schemas.ts';

export function authRoutes(app: FastifyInstance, deps: Deps, limits: Limits): void {
  const refresh = new RefreshStore(deps.pool, deps.tokens, deps.config.REFRESH_TOKEN_TTL_SECONDS, deps.seams.detectRefreshReuse);
  const registerSchema = deps.seams.allowRoleInRegistration ? { ...registerBody, properties: { ...registerBody.properties, role: { type: 'string', enum: ['user', 'admin'] } } } : registerBody;
  const auth = authenticate(deps);
  const adminEmails = new Set(deps.config.ADMIN_EMAILS.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean));
  const pair = async (user: UserRow, familyId?: string) => {
    const access = await deps.tokens.issueAccess(user.id, user.role, user.token_version ?? 0);
    const refreshToken = await refresh.issue(user.id, familyId);
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer' as const, expiresIn: access.expiresIn, user: toUser(user) };
  };

  app.post<{ Body: { email: string; password: string; displayName: string; role?: string } }>(
    '/auth/register',
    { schema: { summary: 'Register a user', tags: ['auth'], body: registerSchema, response: { 201: { description: 'Created', content: { 'application/json': { schema: { $ref: 'User#' } } } }, 409: { description: 'Email already registered', content: { 'application/problem+json': { schema: problemRef } } } } } },
    async (request, reply) => {
      const { email, password, displayName } = request.body;
      const problems = deps.seams.passwordProblems(password, email);
      if (problems.length) throw new HttpProblem(400, 'Bad Request', `password ${problems.join(', ')}`);
      const hash = await hashPassword(deps.seams.passwordKey(password));
      const { rows } = await deps.pool.query<UserRow>(
        `insert into users (email, display_name, password_hash, role) values ($1, $2, $3, $4)
         on conflict (lower(email)) do nothing returning id, email, display_name, role, created_at`,
        [email.trim(), displayName, hash, adminEmails.has(email.trim().toLowerCase()) ? 'admin' : deps.seams.registrationRole(request.body)],
      );
      if (!rows[0]) throw new HttpProblem(409, 'Conflict', 'this email is already registered');
      return reply.status(201).send(toUser(rows[0]));
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    { schema: { summary: 'Log in: access JWT + rotating refresh token', tags: ['auth'], body: credentialsBody, response: { 200: { description: 'Logged in', content: { 'application/json': { schema: { $ref: 'TokenPair#' } } } }, 401: { description: 'Invalid email or password (one answer for both)', content: { 'application/problem+json': { schema: problemRef } } } } } },
    async (request, reply) => {
      const account = normaliseAccountKey(request.body.email);
      if (deps.seams.limitLogins) await enforce(deps, reply, limits.login, `${deps.seams.clientIp(request)}|${account}`);
      const { rows } = await deps.pool.query<UserRow>('select id, email, display_name, role, created_at, password_hash, token_version from users where lower(email) = $1', [account]);
      const user = rows[0];
      // Same work and the same answer whether or not the user exists: no enumeration.
      const ok = await verifyPassword(deps.seams.passwordKey(request.body.password), user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok) {
        deps.metrics.logins.inc({ outcome: 'failure' });
        throw deps.seams.loginFailure(user !== undefined);
      }
      deps.metrics.logins.inc({ outcome: 'success' });
      return pair(user);
    },
  );

  app.post<{ Body: { refreshToken: string } }>(
    '/auth/refresh',
    {
      schema: {
        summary: 'Rotate a refresh token; reusing a rotated one revokes its whole family',
        tags: ['auth'],
        body: { type: 'object', required: ['refreshToken'], additionalProperties: false, properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 4096 } }, examples: [{ refreshToken: 'rt_…' }] },
        response: { 200: { description: 'New token pair', content: { 'application/json': { schema: { $ref: 'TokenPair#' } } } }, 401: { description: 'Invalid, expired, revoked or reused refresh token', content: { 'application/problem+json': { schema: problemRef } } } },
      },
    },
    async (request) => {
      if (deps.seams.acceptAccessAsRefresh) {
        const claims = await deps.tokens.verifyAccess(request.body.refreshToken).catch(() => undefined);
        const { rows } = claims ? await deps.pool.query<UserRow>('select id, email, display_name, role, created_at, token_version from users where id = $1', [claims.sub]) : { rows: [] };
        if (rows[0]) return pair(rows[0]);
      }
      const outcome = await refresh.rotate(request.body.refreshToken);
      if (outcome.kind === 'reused') throw new HttpProblem(401, 'Unauthorized', 'refresh token reuse detected: all sessions of this login were revoked');
      if (outcome.kind === 'invalid') throw new HttpProblem(401, 'Unauthorized', 'invalid or expired refresh token');
      const { rows } = await deps.pool.query<UserRow>('select id, email, display_name, role, created_at, token_version from users where id = $1', [outcome.userId]);
      if (!rows[0]) throw new HttpProblem(401, 'Unauthorized', 'invalid or expired refresh token');
      return pair(rows[0], outcome.familyId);
    },
  );

  app.post<{ Body: { refreshToken?: string } | undefined }>(
    '/auth/logout',
    {
      preHandler: auth,
      schema: {
        summary: 'Revoke the access token (and the refresh token family when given)',
        tags: ['auth'],
        security: bearerSecurity,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 200 } } },
        response: { 204: { description: 'Logged out', type: 'null' } },
      },
    },
    async (request, reply) => {
      const ttl = Math.max(1, request.user.exp - Math.floor(Date.now() / 1000));
      if (deps.seams.revokeOnLogout) await deps.redis.set(`deny:${request.user.jti}`, '1', 'EX', deps.seams.denylistSeconds(ttl));
      if (request.body?.refreshToken) await refresh.revokeByToken(request.body.refreshToken, request.user.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/me',
    { preHandler: auth, schema: { summary: 'The current user', tags: ['auth'], security: bearerSecurity, response: { 200: { description: 'The user', content: { 'application/json': { schema: { $ref: 'User#' } } } } } } },
    async (request, reply) => {
      const { rows } = await deps.pool.query<UserRow>('select id, email, display_name, role, created_at, password_hash from users where id = $1', [request.user.id]);
      const body = deps.seams.meBody(rows[0] as UserRow);
      // A string goes out as it is, past the response schema's serializer.
      return typeof body === 'string' ? reply.type('application/json').send(body) : body;
    },
  );

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/me/password',
    {
      preHandler: auth,
      schema: {
        summary: 'Change the password: every session issued before the change ends; the answer is a new token pair',
        tags: ['auth'],
        security: bearerSecurity,
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 200 }, newPassword: registerBody.properties.password },
          examples: [{ currentPassword: 'correct-horse-42', newPassword: 'battery-staple-43' }],
        },
        response: {
          200: { description: 'Changed; a new token pair', content: { 'application/json': { schema: { $ref: 'TokenPair#' } } } },
          400: { description: 'The new password breaks the policy', content: { 'application/problem+json': { schema: problemRef } } },
          403: { description: 'The current password is wrong', content: { 'application/problem+json': { schema: problemRef } } },
        },
      },
    },
    async (request) => {
      const { rows } = await deps.pool.query<UserRow>('select id, email, display_name, role, created_at, password_hash, token_version from users where id = $1', [request.user.id]);
      const user = rows[0] as UserRow;
      if (!(await verifyPassword(deps.seams.passwordKey(request.body.currentPassword), user.password_hash ?? DUMMY_HASH))) throw new HttpProblem(403, 'Forbidden', 'the current password is wrong');
      const problems = deps.seams.passwordProblems(request.body.newPassword, user.email);
      if (problems.length) throw new HttpProblem(400, 'Bad Request', `password ${problems.join(', ')}`);
      const hash = await hashPassword(deps.seams.passwordKey(request.body.newPassword));
      const bump = deps.seams.endSessionsOnPasswordChange ? 1 : 0;
      const updated = await deps.pool.query<UserRow>('update users set password_hash = $2, token_version = token_version + $3 where id = $1 returning id, email, display_name, role, created_at, token_version', [user.id, hash, bump]);
      if (bump) await deps.pool.query('update refresh_tokens set revoked_at = coalesce(revoked_at, now()) where user_id = $1', [user.id]);
      return pair(updated.rows[0] as UserRow);
    },
  );

  app.delete(
    '/me',
    { preHandler: auth, schema: { summary: 'Delete the current user and all their data', tags: ['auth'], security: bearerSecurity, response: { 204: { description: 'Deleted', type: 'null' } } } },
    async (request, reply) => {
      await deps.pool.query('delete from users where id = $1', [request.user.id]);
      return reply.status(204).send();
    },
  );
}
