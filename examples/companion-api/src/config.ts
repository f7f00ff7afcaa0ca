import { z } from 'zod';

export const DEV_JWT_SECRET = 'dev-only-secret-change-me-please-0123456789';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  LLM_BASE_URL: z.string().url().optional(),
  LLM_API_KEY: z.string().default('test-key'),
  LLM_MODEL: z.string().default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  LLM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** The circuit opens after this many failed calls in a row ... */
  LLM_BREAKER_THRESHOLD: z.coerce.number().int().positive().default(5),
  /** ... and lets one trial call through after this long. */
  LLM_BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(10_000),
  JWT_SECRET: z.string().default(DEV_JWT_SECRET),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(30 * 24 * 3600),
  CORS_ORIGINS: z.string().default('http://localhost:5173'),
  /** Comma-separated emails that get the admin role when they register (how the first admins are made). */
  ADMIN_EMAILS: z.string().default(''),
  TRUST_PROXY: z.string().default(''),
  RATE_LIMIT_LOGIN: z.coerce.number().int().positive().default(5),
  RATE_LIMIT_LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_CHAT: z.coerce.number().int().positive().default(30),
  RATE_LIMIT_CHAT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_GLOBAL: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_GLOBAL_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AppConfig = z.output<typeof schema> & { DATABASE_URL: string; REDIS_URL: string; LLM_BASE_URL: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and checks the environment once at start-up. In production it refuses the development
 * JWT secret, a secret shorter than 32 characters, and missing service URLs, naming each fix.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  const problems: string[] = [];
  const production = c.NODE_ENV === 'production';
  if (production && c.JWT_SECRET === DEV_JWT_SECRET) problems.push('JWT_SECRET is the development default: set a random secret of at least 32 characters (openssl rand -hex 32).');
  else if (production && c.JWT_SECRET.length < 32) problems.push(`JWT_SECRET is ${c.JWT_SECRET.length} characters: use at least 32 (openssl rand -hex 32).`);
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'LLM_BASE_URL'] as const) {
    if (!c[key]) problems.push(`${key} is not set: set it to the ${key === 'DATABASE_URL' ? 'Postgres' : key === 'REDIS_URL' ? 'Redis' : 'OpenAI-compatible upstream'} URL.`);
  }
  if (problems.length) throw new ConfigError(problems);
  return c as AppConfig;
}
