import { describe, expect, it } from 'vitest';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { validateConfig } from './validate.ts';

const minimal = { target: { start: { command: ['node', 'server.js'] } } };

function errorOf(input: unknown): GauntletError {
  try {
    validateConfig(input, 'gauntlet.config.ts');
  } catch (error) {
    if (error instanceof GauntletError) return error;
    throw error;
  }
  throw new Error('expected validateConfig to throw');
}

describe('validateConfig', () => {
  it('fills every default from the schema', () => {
    const { config } = validateConfig(minimal, 'c');
    expect(config.target.health).toEqual({ path: '/health', status: 200, timeoutMs: 30_000, intervalMs: 100 });
    expect(config.target.env).toEqual({ databaseUrl: 'DATABASE_URL', redisUrl: 'REDIS_URL', port: 'PORT' });
    expect(config.environment.default).toBe('auto');
    expect(config.environment.external.disposable).toBe(false);
    expect(config.upstreams).toEqual([]);
  });

  it('lists a typo and a wrong type in one message: key path, expected, actual', () => {
    const error = errorOf({ target: { start: { command: 'x' }, helth: { path: '/h' }, stopTimeoutMs: '5s' } });
    expect(error.code).toBe('GAUNTLET_CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('gauntlet.config.ts has 2 errors:');
    expect(error.detail.sort()).toEqual([
      'error: Config option "target.helth" is not known. Did you mean "target.health"?',
      'error: Config option "target.stopTimeoutMs" has the wrong type. It should be a number, but was a string ("5s").',
    ]);
  });

  it('takes the database URL variable as a name, or as a name and the scheme the target wants', () => {
    expect(validateConfig(minimal, 'c').config.target.env).toMatchObject({ databaseUrl: 'DATABASE_URL', databaseScheme: undefined });
    const env = validateConfig({ target: { ...minimal.target, env: { databaseUrl: { name: 'DB_DSN', scheme: 'postgresql+asyncpg' } } } }, 'c').config.target.env;
    expect(env).toEqual({ databaseUrl: 'DB_DSN', databaseScheme: 'postgresql+asyncpg', redisUrl: 'REDIS_URL', port: 'PORT' });
    expect(errorOf({ target: { ...minimal.target, env: { databaseUrl: { name: 'X', scheme: 'postgres sql' } } } }).detail.join('\n')).toContain('target.env.databaseUrl');
    expect(errorOf({ target: { ...minimal.target, env: { databseUrl: 'X' } } }).detail).toEqual(['error: Config option "target.env.databseUrl" is not known. Did you mean "target.env.databaseUrl"?']);
  });

  it('checks the URLs of an external environment when the config is read, naming the key and never echoing a password', () => {
    const error = errorOf({ ...minimal, environment: { external: { databaseUrl: 'postgres//app:s3cret@db:5432/app', redisUrl: 'redis://127.0.0.1:6379', targetUrl: 'localhost:3000' } } });
    expect(error.detail).toEqual([
      'error: Config option "environment.external.databaseUrl" is invalid: expected a postgres:// or postgresql:// URL with a host, e.g. postgres://user:password@127.0.0.1:5432/app (it was a string ("postgres//app:***@db:5432/app")).',
      'error: Config option "environment.external.targetUrl" is invalid: expected a http:// or https:// URL with a host, e.g. http://127.0.0.1:3000 (it was a string ("localhost:3000")).',
    ]);
    expect(errorOf({ ...minimal, environment: { external: { databaseUrl: 'mysql://app:s3cret@db/app' } } }).detail.join('\n')).not.toContain('s3cret');
  });

  it('refuses a load history that could never tell a regression (minimumRuns above baselineRuns), naming the fix; gates.flaky defaults to report', () => {
    const error = errorOf({ ...minimal, stages: { load: { script: 'load/a.k6.ts', history: { baselineRuns: 3, minimumRuns: 4 } } } });
    expect(error.detail.join('\n')).toMatch(/stages\.load\.history\.minimumRuns.*minimumRuns is more than baselineRuns, so no regression could ever be told: lower minimumRuns or raise baselineRuns/);
    expect(validateConfig(minimal, 'c').config.gates.flaky).toBe('report');
  });

  it('stages.load.volume: defaults (off, 1×/10×/100× of 1,000 rows), sizes that must grow, table names and seed operations checked once', () => {
    const load = (volume: unknown) => ({ ...minimal, stages: { load: { script: 'load/a.k6.ts', volume } } });
    const { config } = validateConfig(load({ tables: ['messages'], seed: { command: 'node seed.js' } }), 'c');
    expect(config.stages.load?.volume).toMatchObject({ enabled: false, base: 1_000, sizes: [1, 10, 100], seqScanRows: 10_000, statementGrowthExponent: 0.5, minimumGrowthMs: 5, seed: { command: 'node seed.js', timeoutMs: 600_000 } });
    expect(errorOf(load({ tables: ['messages'], sizes: [1, 100, 10], seed: { command: 'x' } })).detail.join('\n')).toMatch(/stages\.load\.volume\.sizes.*sizes must grow: list them smallest first, each larger than the one before, e\.g\. \[1, 10, 100\]/);
    expect(errorOf(load({ tables: ['messages; drop table users'], seed: { command: 'x' } })).detail.join('\n')).toMatch(/stages\.load\.volume\.tables\.0.*expected a table name, e\.g\. "messages" or "public\.messages"/);
    expect(errorOf(load({ tables: ['messages'], seed: { operations: ['/conversations'] } })).detail.join('\n')).toMatch(/stages\.load\.volume\.seed/);
  });

  it('names a missing required key', () => {
    const error = errorOf({ target: {} });
    expect(error.detail.join('\n')).toContain('Config option "target.start"');
  });

  it('names the accepted forms of a union', () => {
    const error = errorOf({ target: { start: { cmd: 'x' } } });
    expect(error.detail[0]).toMatch(/"target\.start" should be \{ command.* or \{ image/);
  });

  it('lists enum values', () => {
    const error = errorOf({ ...minimal, environment: { default: 'docker' } });
    expect(error.detail[0]).toBe('error: Config option "environment.default" should be one of "auto", "native", "testcontainers", "compose", "external", but was a string ("docker").');
  });

  it('refuses an unknown key, nested too, with a did-you-mean: a typo must not turn a check off', () => {
    expect(errorOf({ ...minimal, reprots: { dir: 'x' } }).detail).toEqual(['error: Config option "reprots" is not known. Did you mean "reports"?']);
    expect(errorOf({ ...minimal, stages: { contract: { persistance: false } } }).detail).toEqual(['error: Config option "stages.contract.persistance" is not known. Did you mean "stages.contract.persistence"?']);
  });

  it('gives no did-you-mean for a key unlike any other', () => {
    expect(errorOf({ ...minimal, zzzzzzzz: 1 }).detail).toEqual(['error: Config option "zzzzzzzz" is not known.']);
  });
});
