import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dockerAvailable } from '../../src/environments/docker.ts';
import { TestcontainersEnvironment } from '../../src/environments/testcontainers/testcontainers-environment.ts';

const exec = promisify(execFile);
const docker = await dockerAvailable();
if (!docker) {
  process.stderr.write(
    'SKIPPED test/environments/testcontainers.test.ts: no Docker engine answers. Run `eval "$(../shared/tools/docker-sandbox up)"` (as root) or start Docker to run it.\n',
  );
}

describe.skipIf(!docker)('TestcontainersEnvironment (real containers; skipped without a Docker engine)', () => {
  it('starts postgres and redis containers, answers queries, keeps data over a container restart, removes them', async () => {
    const env = await new TestcontainersEnvironment({
      postgres: { image: 'postgres:16-alpine', database: 'app', user: 'gauntlet', password: 'secret' },
      redis: { image: 'redis:7-alpine', binary: 'unused' },
    }).start();
    const containers = env.state().containers;
    try {
      expect(containers).toHaveLength(2);
      const client = new pg.Client({ connectionString: env.postgres.adminUrl });
      client.on('error', () => undefined);
      await client.connect();
      await client.query('create table kept (v int)');
      await client.query('insert into kept values (7)');
      await client.end();
      const redis = new Redis(env.redis.url);
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();

      await env.services.postgres.stop();
      await env.services.postgres.start();
      const again = new pg.Client({ connectionString: env.postgres.adminUrl });
      again.on('error', () => undefined);
      await again.connect();
      expect((await again.query('select v from kept')).rows).toEqual([{ v: 7 }]);
      await again.end();
    } finally {
      await env.stop();
    }
    const { stdout } = await exec('docker', ['ps', '-a', '--format', '{{.ID}}', '--no-trunc']);
    for (const id of containers) expect(stdout).not.toContain(id);
  });
});
