import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../deps.ts';
import { HttpProblem } from '../lib/problem.ts';
import { consume, rateLimitHeaders, type RateLimitPolicy } from '../lib/rate-limit.ts';

export interface Limits {
  login: RateLimitPolicy;
  chat: RateLimitPolicy;
  global: RateLimitPolicy;
}

export function limitsFrom(config: Deps['config']): Limits {
  return {
    login: { name: 'login', limit: config.RATE_LIMIT_LOGIN, windowSeconds: config.RATE_LIMIT_LOGIN_WINDOW_SECONDS },
    chat: { name: 'chat', limit: config.RATE_LIMIT_CHAT, windowSeconds: config.RATE_LIMIT_CHAT_WINDOW_SECONDS },
    global: { name: 'global', limit: config.RATE_LIMIT_GLOBAL, windowSeconds: config.RATE_LIMIT_GLOBAL_WINDOW_SECONDS },
  };
}

/** Consumes one unit of `policy` for `key`; sets RateLimit headers; throws 429 with Retry-After when refused. */
export async function enforce(deps: Deps, reply: FastifyReply, policy: RateLimitPolicy, key: string): Promise<void> {
  // Redis unreachable: the limit cannot be counted, so the request is refused as temporarily
  // unavailable (503 + Retry-After), never let through uncounted and never a raw 500.
  const decision = await consume(deps.redis, policy, key).catch(() => {
    throw new HttpProblem(503, 'Service Unavailable', 'rate limiting is temporarily unavailable; retry shortly', { 'retry-after': '1' });
  });
  const headers = rateLimitHeaders(decision);
  reply.headers(headers);
  if (!decision.allowed) throw new HttpProblem(429, 'Too Many Requests', `${policy.name} limit of ${policy.limit} per ${policy.windowSeconds} s reached`, headers);
}

/** The global per-IP limit. The IP is the socket's unless TRUST_PROXY names trusted proxies (Fastify's trustProxy). */
export function registerGlobalLimit(app: FastifyInstance, deps: Deps, limits: Limits): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (path === '/health' || path === '/metrics') return;
    await enforce(deps, reply, limits.global, deps.seams.clientIp(request));
  });
}
