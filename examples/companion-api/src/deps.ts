import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { AppConfig } from './config.ts';
import type { TokenService } from './modules/auth/token-service.ts';
import type { Metrics } from './plugins/metrics.ts';
import type { Seams } from './seams.ts';
import type { LlmClient } from './upstream/llm-client.ts';

/** Everything a route needs, built once in main.ts and passed down. */
export interface Deps {
  config: AppConfig;
  pool: pg.Pool;
  redis: Redis;
  llm: LlmClient;
  tokens: TokenService;
  metrics: Metrics;
  seams: Seams;
}

declare module 'fastify' {
  interface FastifySchema {
    /** A multipart/form-data body, documented in OpenAPI but parsed by @fastify/multipart (see plugins/openapi.ts). */
    multipartBody?: object;
  }
  interface FastifyRequest {
    user: { id: string; role: 'user' | 'admin'; jti: string; exp: number };
  }
}
