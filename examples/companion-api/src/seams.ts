import type { FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { passwordProblems } from './lib/passwords.ts';
import { HttpProblem } from './lib/problem.ts';
import type { AccessClaims } from './modules/auth/token-service.ts';
import { toUser, type UserRow } from './modules/auth/schemas.ts';
import { scoreRisk, type RiskAssessment } from './modules/crisis/scorer.ts';
import type { TaskRow } from './modules/goals/repository.ts';

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  messageCount: number;
  lastMessageAt: string | null;
}

/**
 * The pieces a seeded flaw may replace (see src/flaws/ and FLAWS.md). Each default here is the
 * correct implementation; the app always goes through these, so a flaw swaps exactly one of them.
 */
export interface Seams {
  /** The client address for rate limits: the socket's (or the trusted proxy chain's, via Fastify's trustProxy). */
  clientIp(request: FastifyRequest): string;
  /** Whether login attempts are rate limited. */
  limitLogins: boolean;
  /** Checks signature (HS256 only), expiry and token type. */
  verifyAccess(key: Uint8Array, token: string, nowSeconds: number): Promise<AccessClaims>;
  /** Whether a token of a deleted user is refused. */
  requireExistingUser: boolean;
  /** Whether presenting a rotated refresh token again revokes its family. */
  detectRefreshReuse: boolean;
  /** Whether logout puts the access token on the denylist. */
  revokeOnLogout: boolean;
  /** How long a logged-out token stays on the denylist, given the seconds until it expires. */
  denylistSeconds(untilExpiry: number): number;
  /** Whether /auth/refresh also accepts a valid access JWT in place of a refresh token. */
  acceptAccessAsRefresh: boolean;
  /** The role a new registration gets, and whether the body may name one. */
  registrationRole(body: Record<string, unknown>): 'user' | 'admin';
  allowRoleInRegistration: boolean;
  /** The login failure: one answer whether or not the account exists. */
  loginFailure(accountExists: boolean): HttpProblem;
  /** Extra fields an error body carries (never any for 5xx internals). */
  errorExtras(error: Error): Record<string, unknown>;
  /** The detail of the 503 sent while the database cannot be reached: says what to do, never what the driver said. */
  unavailableDetail(error: Error): string;
  /** Whether a malformed JSON body is answered 400 (true) or reaches the handler machinery raw. */
  safeJsonParser: boolean;
  scoreRisk(text: string): RiskAssessment;
  /** When the LLM fails: fall back to a degraded reply (true) or let the error out. */
  degradeOnUpstreamFailure: boolean;
  listConversations(pool: pg.Pool, userId: string, q: string | undefined): Promise<ConversationSummary[]>;
  /** Whether GET /admin/accounts/{id} requires the admin role (as GET /admin/accounts does). */
  adminOnlyAccountLookup: boolean;
  /** The answer to deleting a conversation that is not the caller's (or not there). */
  deleteOfOthersStatus: 404 | 204;
  findOwnedConversation(pool: pg.Pool, userId: string, id: string): Promise<{ id: string; title: string; created_at: Date } | undefined>;
  /** Whether GET /conversations/{id} validates its id as a uuid before it reaches SQL. */
  validateConversationId: boolean;
  /** The longest goal title validated (and so documented). */
  goalTitleMaxLength: number | undefined;
  /** Copies a new goal's title to a search index (the correct service has none). */
  indexGoalTitle(pool: pg.Pool, title: string): Promise<void>;
  /** How many tasks a new goal asks for: options.taskCount, which the document allows to be null ("no preference"). */
  taskCountOf(options: { taskCount: number | null } | undefined): number;
  /** The SQL expression the goal list reads each title with. */
  goalListTitle: string;
  /** Marks a task of the user's goal done and counts it on the goal, once (the task, or undefined when it is not theirs). */
  markTaskDone(pool: pg.Pool, userId: string, goalId: string, taskId: string): Promise<TaskRow | undefined>;
  /** CORS origin decision for a request origin, given the allowlist. */
  corsAllows(origin: string | undefined, allowed: Set<string>): boolean | string;
  securityHeaders: boolean;
  /** Keeps an assistant reply in Redis for the moderation queue, for a bounded time. */
  cacheReply(redis: Redis, messageId: string, content: string): Promise<unknown>;
  /** What a password is hashed and verified as: all of it (bcrypt, say, would keep its first 72 bytes). */
  passwordKey(password: string): string;
  /** The password policy's problems with a new password (none: it is accepted). */
  passwordProblems(password: string, email: string): string[];
  /** Whether a password change ends every session issued before it (access tokens and refresh families). */
  endSessionsOnPasswordChange: boolean;
  /** How the LLM client calls a failing upstream: the configured retries with backoff, and a circuit breaker. */
  llmCalls(configured: { retries: number; breakerThreshold: number }): { retries: number; backoffMs: number; breakerThreshold: number };
  /** Whether POST /conversations also takes HTML forms, with its body schema keyed to JSON alone (a form is then never validated). */
  formConversations: boolean;
  /** The title a new conversation is stored with: the one sent. */
  conversationTitle(title: string): string;
  /** The body of GET /me: the public view of the user (an object the response schema serializes). */
  meBody(row: UserRow): unknown;
  /** Called on every request; the correct service keeps nothing of it past the response. */
  retainRequest(request: FastifyRequest): void;
  /** Schema changes run once at start, after the migrations: none in the correct service (a flaw stands for a later migration). */
  schemaChanges: string[];
}

export function correctSeams(): Seams {
  return {
    clientIp: (request) => request.ip,
    limitLogins: true,
    verifyAccess: async (key, token, nowSeconds) => {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(nowSeconds * 1000) });
      return claimsFrom(payload);
    },
    requireExistingUser: true,
    detectRefreshReuse: true,
    revokeOnLogout: true,
    denylistSeconds: (untilExpiry) => untilExpiry,
    acceptAccessAsRefresh: false,
    registrationRole: () => 'user',
    allowRoleInRegistration: false,
    loginFailure: () => new HttpProblem(401, 'Unauthorized', 'invalid email or password'),
    errorExtras: () => ({}),
    unavailableDetail: () => 'the database is unavailable; try again shortly',
    safeJsonParser: true,
    scoreRisk,
    degradeOnUpstreamFailure: true,
    listConversations: async (pool, userId, q) => {
      // One query for the whole list (no N+1); the search term is a bound parameter.
      const { rows } = await pool.query<{ id: string; title: string; created_at: Date; message_count: string; last_message_at: Date | null }>(
        `select c.id, c.title, c.created_at, count(m.id) as message_count, max(m.created_at) as last_message_at
           from conversations c left join messages m on m.conversation_id = c.id
          where c.user_id = $1 and ($2::text is null or c.title ilike '%' || $2 || '%')
          group by c.id order by c.created_at desc limit 100`,
        [userId, q ?? null],
      );
      return rows.map(summary);
    },
    adminOnlyAccountLookup: true,
    deleteOfOthersStatus: 404,
    findOwnedConversation: async (pool, userId, id) => {
      const { rows } = await pool.query<{ id: string; title: string; created_at: Date }>('select id, title, created_at from conversations where id = $1 and user_id = $2', [id, userId]);
      return rows[0];
    },
    validateConversationId: true,
    goalTitleMaxLength: 200,
    indexGoalTitle: async () => undefined,
    taskCountOf: (options) => options?.taskCount ?? 10,
    goalListTitle: 'title',
    markTaskDone: async (pool, userId, goalId, taskId) => {
      // One statement: the task's row lock orders concurrent requests, and only the one that changed
      // done_at counts it (the others re-check done_at is null after the lock and update nothing).
      await pool.query(
        `with done as (
           update tasks t set done_at = now() from goals g
            where t.id = $3 and t.goal_id = $2 and g.id = t.goal_id and g.user_id = $1 and t.done_at is null
           returning t.goal_id)
         update goals set tasks_done = tasks_done + 1 where id in (select goal_id from done)`,
        [userId, goalId, taskId],
      );
      const { rows } = await pool.query<TaskRow>('select t.id, t.goal_id, t.position, t.title, t.done_at from tasks t join goals g on g.id = t.goal_id where t.id = $3 and t.goal_id = $2 and g.user_id = $1', [userId, goalId, taskId]);
      return rows[0];
    },
    corsAllows: (origin, allowed) => origin !== undefined && allowed.has(origin),
    securityHeaders: true,
    cacheReply: (redis, messageId, content) => redis.set(`reply:${messageId}`, content, 'EX', 600),
    passwordKey: (password) => password,
    formConversations: false,
    conversationTitle: (title) => title,
    llmCalls: ({ retries, breakerThreshold }) => ({ retries, backoffMs: 100, breakerThreshold }),
    meBody: (row) => toUser(row),
    passwordProblems,
    endSessionsOnPasswordChange: true,
    retainRequest: () => undefined,
    schemaChanges: [],
  };
}

export function claimsFrom(payload: Record<string, unknown>): AccessClaims {
  if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') {
    throw new Error('not an access token');
  }
  return { sub: payload.sub, role: payload.role === 'admin' ? 'admin' : 'user', jti: payload.jti, exp: payload.exp, ver: typeof payload.ver === 'number' ? payload.ver : 0 };
}

export function summary(r: { id: string; title: string; created_at: Date; message_count: string | number; last_message_at: Date | null }): ConversationSummary {
  return { id: r.id, title: r.title, createdAt: r.created_at.toISOString(), messageCount: Number(r.message_count), lastMessageAt: r.last_message_at?.toISOString() ?? null };
}
