import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { NativeEnvironment } from '../../src/environments/native/native-environment.ts';
import { rowsAfterPostgresRestart, sql } from '../helpers/environment-checks.ts';
import { leftovers } from '../helpers/leftovers.ts';

const config = { postgres: { image: 'unused', database: 'app', user: 'postgres', password: 'postgres', reset: 'template' as const }, redis: { image: 'unused', binary: 'redis-server' } };

describe('NativeEnvironment (real postgres and redis-server processes)', () => {
  it('starts both, answers queries, survives a service restart with its data, and leaves nothing behind', async () => {
    const env = await new NativeEnvironment(config).start();
    const state = env.state();
    const resources = { pids: state.pids, dirs: state.dirs, ports: [env.postgres.port, env.redis.port] };
    try {
      expect(env.kind).toBe('native');
      expect(env.postgres.adminUrl).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect((await sql<{ v: string }>(env.postgres.adminUrl, "select current_setting('server_version') as v"))[0]?.v).toMatch(/^\d+/);
      expect(await sql(env.postgres.adminUrl, 'show fsync')).toEqual([{ fsync: 'off' }]);
      const redis = new Redis(env.redis.url);
      await redis.set('k', 'v');
      expect(await redis.get('k')).toBe('v');
      redis.disconnect();
      expect(await rowsAfterPostgresRestart(env, 42)).toEqual([{ v: 42 }]);
    } finally {
      await env.stop();
    }
    expect(await leftovers({ ...resources, pids: [...resources.pids, ...env.state().pids] })).toEqual([]);
  });

  it('gives two environments their own ports and clusters', async () => {
    const [a, b] = await Promise.all([new NativeEnvironment(config).start(), new NativeEnvironment(config).start()]);
    try {
      expect(a.postgres.port).not.toBe(b.postgres.port);
      expect(a.state().dirs).not.toEqual(b.state().dirs);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('names the missing binary and the fix', async () => {
    const env = new NativeEnvironment({ ...config, redis: { image: 'unused', binary: 'redis-server-that-does-not-exist' } });
    await expect(env.start()).rejects.toMatchObject({ code: 'GAUNTLET_BINARY_MISSING', message: expect.stringContaining('redis-server-that-does-not-exist was not found'), fix: expect.stringContaining('apt-get install redis-server') });
  });
});
