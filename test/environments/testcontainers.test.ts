import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TestcontainersEnvironment } from '../../src/environments/testcontainers/testcontainers-environment.ts';
import { dockerOrSay, rowsAfterPostgresRestart } from '../helpers/environment-checks.ts';

const exec = promisify(execFile);
const docker = await dockerOrSay('test/environments/testcontainers.test.ts');

describe.skipIf(!docker)('TestcontainersEnvironment (real containers; skipped without a Docker engine)', () => {
  it('starts postgres and redis containers, answers queries, keeps data over a container restart, removes them', async () => {
    const env = await new TestcontainersEnvironment({
      postgres: { image: 'postgres:16-alpine', database: 'app', user: 'gauntlet', password: 'secret', reset: 'template' },
      redis: { image: 'redis:7-alpine', binary: 'unused' },
    }).start();
    const containers = env.state().containers;
    try {
      expect(containers).toHaveLength(2);
      const redis = new Redis(env.redis.url);
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
      expect(await rowsAfterPostgresRestart(env, 7)).toEqual([{ v: 7 }]);
    } finally {
      await env.stop();
    }
    const { stdout } = await exec('docker', ['ps', '-a', '--format', '{{.ID}}', '--no-trunc']);
    for (const id of containers) expect(stdout).not.toContain(id);
  });
});
