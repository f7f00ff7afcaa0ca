import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedConfig } from '../../src/config/load.ts';
import { NativeEnvironment } from '../../src/environments/native/native-environment.ts';
import type { StartedEnvironment } from '../../src/environments/types.ts';
import { startStack } from '../../src/provision/stack.ts';
import { TINY } from '../helpers/cli.ts';

/** Someone else's Postgres and Redis (here: a native environment this test started) given as URLs. */
describe('ExternalEnvironment', () => {
  let services: StartedEnvironment;
  let base: ResolvedConfig;
  beforeAll(async () => {
    services = await new NativeEnvironment({ postgres: { image: '', database: 'app', user: 'postgres', password: 'postgres', reset: 'template' as const }, redis: { image: '', binary: 'redis-server' } }).start();
    base = (await loadConfig(`${TINY}/gauntlet.config.ts`)).config;
  });
  afterAll(() => services.stop());

  const external = (disposable: boolean, extra: Partial<ResolvedConfig['target']> = {}): ResolvedConfig => ({
    ...base,
    target: { ...base.target, ...extra },
    environment: { ...base.environment, external: { databaseUrl: services.postgres.adminUrl, redisUrl: services.redis.url, disposable, loadAllowlist: [] } },
  });

  it('refuses a destructive step (seed) when the database is not marked disposable, naming the fix', async () => {
    const config = external(false, { seed: { command: ['node', '-e', ''], cwd: TINY, env: {}, timeoutMs: 10_000 } });
    await expect(startStack(config, 'external', { withTarget: false })).rejects.toMatchObject({
      code: 'GAUNTLET_UNSAFE_EXTERNAL',
      message: 'Refusing to run the seed command on the external environment: its database is not marked disposable.',
      fix: expect.stringContaining('environment.external.disposable: true'),
    });
  });

  it('does not reset, migrate or clone a database that is not disposable, and will not stop its services', async () => {
    const stack = await startStack(external(false), 'external', { withTarget: false });
    try {
      expect(stack.context).toMatchObject({ environment: 'external', databaseUrl: services.postgres.adminUrl, adminUrl: null, templateDatabase: null });
      expect(stack.database).toBeUndefined();
      await expect(stack.environment.services.postgres.stop()).rejects.toMatchObject({ code: 'GAUNTLET_UNSAFE_EXTERNAL' });
    } finally {
      await stack.stop();
    }
  });

  it('prepares, migrates and runs the target on a database marked disposable', async () => {
    const stack = await startStack(external(true), 'external', { withTarget: true });
    try {
      expect(stack.context.templateDatabase).toBe('app_template');
      const health = await fetch(`${stack.context.targetUrl}/health`);
      expect(await health.json()).toEqual({ status: 'ok', items: 1 });
    } finally {
      await stack.stop();
    }
    // Gauntlet stopped its target but not the external services
    expect((await fetch(`http://127.0.0.1:${services.postgres.port}`).catch((e: Error) => e)) instanceof Error).toBe(true);
  });
});
