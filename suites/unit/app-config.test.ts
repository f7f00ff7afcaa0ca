import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../../examples/companion-api/src/config.ts';

const urls = { DATABASE_URL: 'postgres://u@127.0.0.1:5/app', REDIS_URL: 'redis://127.0.0.1:6', LLM_BASE_URL: 'http://127.0.0.1:7' };

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('companion-api config', () => {
  it('accepts the development defaults outside production', () => {
    const c = loadConfig({ ...urls });
    expect(c.JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(c.ACCESS_TOKEN_TTL_SECONDS).toBe(900);
  });

  it('refuses the default secret in production, saying how to fix it', () => {
    expect(problems({ ...urls, NODE_ENV: 'production' })).toEqual([expect.stringMatching(/JWT_SECRET is the development default.*openssl rand/)]);
  });

  it('refuses a short secret in production: 31 characters fails, 32 passes', () => {
    expect(problems({ ...urls, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toEqual([expect.stringContaining('31 characters')]);
    expect(problems({ ...urls, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toEqual([]);
  });

  it('names every missing URL at once', () => {
    expect(problems({})).toEqual([expect.stringContaining('DATABASE_URL'), expect.stringContaining('REDIS_URL'), expect.stringContaining('LLM_BASE_URL')]);
  });

  it('names a wrongly typed value', () => {
    expect(problems({ ...urls, PORT: 'eighty' })[0]).toMatch(/^PORT:/);
  });
});
