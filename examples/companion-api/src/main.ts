import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { applyFlaws, FlawConfigError } from './flaws/index.ts';
import { correctSeams } from './seams.ts';
import { TokenService } from './modules/auth/token-service.ts';
import { createMetrics } from './plugins/metrics.ts';
import { CircuitBreaker } from './upstream/circuit-breaker.ts';
import { LlmClient } from './upstream/llm-client.ts';

/** Counts every query the pool sends (companion_db_queries_total), so N+1 patterns show up in /metrics. */
function countQueries(pool: pg.Pool, metrics: ReturnType<typeof createMetrics>): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    metrics.dbQueries.inc();
    return query(...args);
  }) as typeof pool.query;
}

async function main(): Promise<void> {
  let config;
  const seams = correctSeams();
  let flaws: string[];
  try {
    config = loadConfig();
    flaws = applyFlaws(seams, { ...process.env, NODE_ENV: config.NODE_ENV });
  } catch (error) {
    if (error instanceof FlawConfigError) {
      process.stderr.write(`companion-api: refusing to start: ${error.message}\n`);
      process.exit(78);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`companion-api: refusing to start. ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 20, connectionTimeoutMillis: 2_000 });
  pool.on('error', () => undefined); // idle-client errors (database restart): the next query reconnects
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n) => Math.min(n * 100, 1_000) });
  redis.on('error', () => undefined); // reconnects by itself; /health reports it meanwhile
  const llm = new LlmClient({ baseUrl: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY, model: config.LLM_MODEL, timeoutMs: config.LLM_TIMEOUT_MS, retries: config.LLM_RETRIES, breaker: new CircuitBreaker(config.LLM_BREAKER_THRESHOLD, config.LLM_BREAKER_COOLDOWN_MS) });
  const tokens = new TokenService(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS, undefined, seams.verifyAccess);
  const metrics = createMetrics();
  countQueries(pool, metrics);
  const app = await buildApp({ config, pool, redis, llm, tokens, metrics, seams });
  if (flaws.length) app.log.warn({ flaws }, 'SEEDED FLAWS ACTIVE: this instance is deliberately broken for a Gauntlet demo');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await Promise.allSettled([pool.end(), redis.quit()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Without the offline queue, a request that arrives before Redis is connected cannot be rate
  // limited: wait for it (bounded; after that, start degraded and let /health say so).
  await redisReady(redis, 10_000);
  await app.listen({ port: config.PORT, host: config.HOST });
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

await main();
