import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import type { ResolvedConfig } from '../config/load.ts';
import { databaseUrlEnv, withDatabaseParts } from '../database/database-manager.ts';
import { requireDocker } from '../environments/docker.ts';
import { registerCleanup } from '../process/cleanup.ts';
import { freePort } from '../process/free-port.ts';
import { httpStatusIs } from '../wait/http.ts';
import { waitFor } from '../wait/wait-for.ts';
import type { StartedTarget, TargetWiring } from './target.ts';
import { ledger } from '../reaper/ledger.ts';

/**
 * A target that ships as an image (target.start.image). It runs on the host network so the same
 * loopback URLs work whichever environment provides Postgres and Redis.
 */
export class TargetContainer {
  constructor(
    private readonly config: ResolvedConfig,
    private readonly wiring: TargetWiring,
  ) {}

  async start(): Promise<StartedTarget> {
    const { target } = this.config;
    const start = target.start;
    if (!('image' in start)) throw new Error('TargetContainer needs target.start.image');
    await requireDocker('image target');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logs: string[] = [];
    const container: StartedTestContainer = await new GenericContainer(start.image)
      .withNetworkMode('host')
      .withLabels({ 'gauntlet.run': ledger.dockerLabel() })
      .withEnvironment({
        ...withDatabaseParts(start.env, this.wiring.databaseUrl),
        ...this.wiring.env,
        ...databaseUrlEnv(target.env, this.wiring.databaseUrl),
        [target.env.redisUrl]: this.wiring.redisUrl,
        [target.env.port]: String(port),
      })
      .withLogConsumer((stream) => stream.on('data', (line) => logs.push(...String(line).split('\n').filter(Boolean))))
      .start();
    const remove = async () => {
      await container.stop({ remove: true, timeout: target.stopTimeoutMs });
    };
    const unregister = registerCleanup(`target container ${target.name}`, remove);
    const healthy = () =>
      waitFor({ what: `${target.name} (image ${start.image}) health at ${url}${target.health.path}`, check: () => httpStatusIs(`${url}${target.health.path}`, target.health.status), timeoutMs: target.health.timeoutMs, intervalMs: target.health.intervalMs });
    try {
      await healthy();
    } catch (error) {
      unregister();
      await remove();
      throw error;
    }
    return {
      url,
      pid: undefined,
      containerId: container.getId(),
      logFile: `docker logs ${container.getId()}`,
      lastLogLines: (n = 50) => logs.slice(-n),
      restart: async () => {
        await container.restart();
        await healthy();
      },
      stop: async () => {
        unregister();
        await remove();
      },
    };
  }
}
