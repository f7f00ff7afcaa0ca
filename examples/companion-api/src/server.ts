import { Redis } from 'ioredis';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { applyFlaws } from './flaws/index.ts';
import { correctSeams } from './seams.ts';
import { TokenService } from './modules/auth/token-service.ts';
import { createMetrics } from './plugins/metrics.ts';
import { CircuitBreaker } from './upstream/circuit-breaker.ts';
import { LlmClient } from './upstream/llm-client.ts';

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port the server listens on. */
  url: string;
  flaws: string[];
  /** Stops listening and closes the pool and the Redis connection. */
  close(): Promise<void>;
}

/** Counts every query the pool sends (companion_db_queries_total), so N+1 patterns show up in /metrics. */
function countQueries(pool: pg.Pool, metrics: ReturnType<typeof createMetrics>): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    metrics.dbQueries.inc();
    return query(...args);
  }) as typeof pool.query;
}

/**
 * Reads the configuration from `env`, connects Postgres and Redis, builds the app and listens.
 * main.ts runs it as the process; a test runner can run it in its own process (the mutation suites
 * do, so the mutants Stryker switches on are the code that answers). Throws ConfigError or
 * FlawConfigError on a configuration it refuses.
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = loadConfig(env);
  const seams = correctSeams();
  const flaws = applyFlaws(seams, { ...env, NODE_ENV: config.NODE_ENV });
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 20, connectionTimeoutMillis: 2_000 });
  pool.on('error', () => undefined); // idle-client errors (database restart): the next query reconnects
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n) => Math.min(n * 100, 1_000) });
  redis.on('error', () => undefined); // reconnects by itself; /health reports it meanwhile
  const calls = seams.llmCalls({ retries: config.LLM_RETRIES, breakerThreshold: config.LLM_BREAKER_THRESHOLD });
  const llm = new LlmClient({ baseUrl: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY, model: config.LLM_MODEL, timeoutMs: config.LLM_TIMEOUT_MS, retries: calls.retries, backoffMs: calls.backoffMs, breaker: new CircuitBreaker(calls.breakerThreshold, config.LLM_BREAKER_COOLDOWN_MS) });
  const tokens = new TokenService(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS, undefined, seams.verifyAccess);
  const metrics = createMetrics();
  countQueries(pool, metrics);
  for (const change of seams.schemaChanges) await pool.query(change);
  const app = await buildApp({ config, pool, redis, llm, tokens, metrics, seams });
  if (flaws.length) app.log.warn({ flaws }, 'SEEDED FLAWS ACTIVE: this instance is deliberately broken for a Gauntlet demo');
  const close = async () => {
    await app.close();
    await Promise.allSettled([pool.end(), redis.quit()]);
  };
  try {
    // Without the offline queue, a request that arrives before Redis is connected cannot be rate
    // limited: wait for it (bounded; after that, start degraded and let /health say so).
    await redisReady(redis, 10_000);
    const url = await app.listen({ port: config.PORT, host: config.HOST });
    return { app, url, flaws, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function redisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.once('ready', done);
  });
}
