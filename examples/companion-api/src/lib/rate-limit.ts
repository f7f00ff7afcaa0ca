import type { Redis } from 'ioredis';

export interface RateLimitPolicy {
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (>= 1). */
  resetSeconds: number;
}

/** Normalises an account key so case and whitespace variants share one counter. */
export function normaliseAccountKey(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * Fixed-window counter in Redis: INCR + EXPIRE in one MULTI, the PTTL read back for Retry-After
 * (milliseconds, rounded up: TTL's whole seconds would tell a client to retry up to 0.5 s early).
 */
export async function consume(redis: Redis, policy: RateLimitPolicy, key: string): Promise<RateLimitDecision> {
  const redisKey = `rl:${policy.name}:${key}`;
  const result = await redis.multi().incr(redisKey).expire(redisKey, policy.windowSeconds, 'NX').pttl(redisKey).exec();
  const count = Number(result?.[0]?.[1] ?? 0);
  const ttlMs = Number(result?.[2]?.[1] ?? policy.windowSeconds * 1000);
  return decide(policy, count, ttlMs / 1000);
}

/** Pure: the decision for the count-th request in a window with `ttl` seconds left (rounded up). */
export function decide(policy: RateLimitPolicy, count: number, ttl: number): RateLimitDecision {
  return {
    allowed: count <= policy.limit,
    limit: policy.limit,
    remaining: Math.max(0, policy.limit - count),
    resetSeconds: Math.max(1, ttl > 0 ? Math.ceil(ttl) : policy.windowSeconds),
  };
}

/** The headers of the IETF RateLimit draft, plus Retry-After when refused. */
export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-limit': String(d.limit),
    'ratelimit-remaining': String(d.remaining),
    'ratelimit-reset': String(d.resetSeconds),
  };
  if (!d.allowed) headers['retry-after'] = String(d.resetSeconds);
  return headers;
}
