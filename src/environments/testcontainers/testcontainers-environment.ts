import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { RedisContainer, type StartedRedisContainer } from '@testcontainers/redis';
import { getContainerRuntimeClient, ImageName } from 'testcontainers';
import { createRequire } from 'node:module';
import type { ResolvedConfig } from '../../config/load.ts';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import { logger } from '../../log/logger.ts';
import { registerCleanup } from '../../process/cleanup.ts';
import { freePort } from '../../process/free-port.ts';
import { postgresAnswers, redisAnswers } from '../../wait/services.ts';
import { waitFor } from '../../wait/wait-for.ts';
import { requireDocker } from '../docker.ts';
import type { Environment, RestartableService, StartedEnvironment } from '../types.ts';
import { ledger } from '../../reaper/ledger.ts';

const log = logger('env');

/**
 * Testcontainers' own reaper (Ryuk) is an image of its own, pulled from a registry that may not be
 * reachable (an air-gapped CI, a sandbox with local images only): the pull fails with a registry
 * error that names no image, and every container start with it. When the image is neither here nor
 * pullable, the run goes on without Ryuk (TESTCONTAINERS_RYUK_DISABLED=true, saying so): Gauntlet's
 * own reaper (reaper/) removes the containers it labels with its run.
 */
async function reaperOrWithout(): Promise<void> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED === 'true') return;
  const image = ImageName.fromString(process.env.RYUK_CONTAINER_IMAGE ?? REAPER_IMAGE);
  const client = await getContainerRuntimeClient();
  if (await client.image.exists(image).catch(() => true)) return;
  const pulled = await client.image.pull(image).then(
    () => undefined,
    (error: unknown) => (error as Error).message,
  );
  if (pulled === undefined) return;
  log('no %s and it cannot be pulled (%s): going on without Ryuk', image.string, pulled);
  process.stderr.write(`gauntlet: Testcontainers' reaper image ${image.string} is not here and cannot be pulled (${pulled.split('\n')[0]}): going on without it, as TESTCONTAINERS_RYUK_DISABLED=true would; Gauntlet removes the containers it started itself.\n`);
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
}

/** The Ryuk image this testcontainers version uses (its reaper module's constant; not re-exported by the package). */
const REAPER_IMAGE: string = (createRequire(import.meta.url)('testcontainers/build/reaper/reaper.js') as { REAPER_IMAGE: string }).REAPER_IMAGE;

/**
 * Postgres and Redis as containers (@testcontainers/postgresql, @testcontainers/redis), started in parallel.
 * Host ports are chosen up front so a container stopped and started again (fault injection) keeps its address.
 */
export class TestcontainersEnvironment implements Environment {
  readonly kind = 'testcontainers' as const;

  constructor(private readonly config: Pick<ResolvedConfig['environment'], 'postgres' | 'redis'>) {}

  async start(): Promise<StartedEnvironment> {
    await requireDocker('testcontainers');
    const { postgres: pgConfig, redis: redisConfig } = this.config;
    const [pgPort, redisPort] = await Promise.all([freePort(), freePort()]);
    const started = performance.now();
    // Labelled with the run, so that the reaper finds them even when the run dies before they have ids.
    const runLabel = { 'gauntlet.run': ledger.dockerLabel() };
    await reaperOrWithout();
    const results = await this.startBoth(pgPort, redisPort, runLabel);
    const pg = results[0].status === 'fulfilled' ? results[0].value : undefined;
    const redis = results[1].status === 'fulfilled' ? results[1].value : undefined;
    if (!pg || !redis) {
      await Promise.allSettled([pg?.stop({ remove: true, removeVolumes: true }), redis?.stop({ remove: true, removeVolumes: true })]);
      const reason = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as Error;
      throw new GauntletError('GAUNTLET_ENV_START_FAILED', `A container did not start: ${reason.message}`, {
        cause: reason,
        fix: `Check that the images ${pgConfig.image} and ${redisConfig.image} exist or can be pulled (docker images).`,
      });
    }
    return this.ready(pg, redis, started);
  }

  /** Both containers, started in parallel; each settles on its own, so one that started is stopped when the other failed. */
  private startBoth(pgPort: number, redisPort: number, runLabel: Record<string, string>) {
    const { postgres: pgConfig, redis: redisConfig } = this.config;
    return Promise.all([
      new PostgreSqlContainer(pgConfig.image)
        .withUsername(pgConfig.user)
        .withPassword(pgConfig.password)
        .withDatabase('postgres')
        // Statements per request and their times, for the load stage (server-stats/postgres-stats.ts).
        .withCommand(['postgres', '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'fsync=off'])
        .withExposedPorts({ container: 5432, host: pgPort })
        .withLabels(runLabel)
        .start(),
      new RedisContainer(redisConfig.image).withExposedPorts({ container: 6379, host: redisPort }).withLabels(runLabel).start(),
    ].map((p) => p.then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason })))) as Promise<[PromiseSettledResult<StartedPostgreSqlContainer>, PromiseSettledResult<StartedRedisContainer>]>;
  }

  private ready(pg: StartedPostgreSqlContainer, redis: StartedRedisContainer, started: number): StartedEnvironment {
    const { postgres: pgConfig } = this.config;
    const pgPort = pg.getMappedPort(5432);
    const redisPort = redis.getMappedPort(6379);
    const destroy = async () => {
      await Promise.allSettled([pg.stop({ remove: true, removeVolumes: true }), redis.stop({ remove: true, removeVolumes: true })]);
    };
    log('testcontainers environment ready in %d ms', Math.round(performance.now() - started));
    const unregister = registerCleanup('testcontainers environment', destroy);
    const host = pg.getHost();
    const adminUrl = `postgres://${encodeURIComponent(pgConfig.user)}:${encodeURIComponent(pgConfig.password)}@${host}:${pgPort}/postgres`;
    const redisUrl = `redis://${redis.getHost()}:${redisPort}`;
    const stop = async () => {
      unregister();
      await destroy();
    };
    return {
      kind: 'testcontainers',
      postgres: { adminUrl, host, port: pgPort, user: pgConfig.user, password: pgConfig.password },
      redis: { url: redisUrl, host: redis.getHost(), port: redisPort },
      targetUrl: undefined,
      disposable: true,
      services: {
        postgres: containerService(pg, () => postgresAnswers(adminUrl), `Postgres container on port ${pgPort}`),
        redis: containerService(redis, () => redisAnswers(redisUrl), `Redis container on port ${redisPort}`),
      },
      state: () => ({ kind: 'testcontainers', pids: [], containers: [pg.getId(), redis.getId()], dirs: [] }),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
}

/** Stop/start of the same container through the Docker API (keeps its data and fixed host port). */
function containerService(container: StartedPostgreSqlContainer | StartedRedisContainer, ready: () => Promise<boolean>, what: string): RestartableService {
  const handle = async () => (await getContainerRuntimeClient()).container.getById(container.getId());
  return {
    stop: async () => {
      await (await handle()).stop({ t: 10 });
    },
    start: async () => {
      await (await handle()).start();
      await waitFor({ what, check: ready, timeoutMs: 30_000, intervalMs: 50 });
    },
  };
}
