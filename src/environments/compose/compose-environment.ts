import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { DockerComposeEnvironment, getContainerRuntimeClient, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import type { ResolvedConfig } from '../../config/load.ts';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import { logger } from '../../log/logger.ts';
import { registerCleanup } from '../../process/cleanup.ts';
import type { StartedTarget } from '../../target/target.ts';
import { httpStatusIs } from '../../wait/http.ts';
import { postgresAnswers, redisAnswers } from '../../wait/services.ts';
import { waitFor } from '../../wait/wait-for.ts';
import { requireDocker } from '../docker.ts';
import type { Environment, RestartableService, StartedEnvironment } from '../types.ts';
import { ledger } from '../../reaper/ledger.ts';

const log = logger('env');
const exec = promisify(execFile);

export interface StartedComposeEnvironment extends StartedEnvironment {
  /** Starts the compose service that runs the target, once the database is prepared. */
  startTargetService(health: ResolvedConfig['target']['health']): Promise<StartedTarget>;
}

/**
 * docker-compose.test.yml through Testcontainers' DockerComposeEnvironment, in a project of its own.
 * Postgres and Redis come up first; the target service comes up after Gauntlet has migrated the database.
 */
export class ComposeEnvironment implements Environment {
  readonly kind = 'compose' as const;

  constructor(private readonly config: ResolvedConfig['environment']) {}

  async start(): Promise<StartedComposeEnvironment> {
    await requireDocker('compose');
    const { compose, postgres: pgConfig } = this.config;
    const project = `gauntlet-${randomBytes(4).toString('hex')}`;
    const builder = () =>
      new DockerComposeEnvironment(path.dirname(compose.file), path.basename(compose.file))
        .withProjectName(project)
        .withBuild()
        .withStartupTimeout(120_000);
    const deps = [compose.postgresService, compose.redisService];
    const running: StartedDockerComposeEnvironment[] = [];
    const destroy = async () => {
      // `down` of any handle removes the whole project (all services, networks and volumes).
      await running[0]?.down({ removeVolumes: true, timeout: 10_000 });
      running.length = 0;
      ledger.removeComposeProject(project);
    };
    // Recorded before `up`: a run killed while the project comes up is still brought down by name.
    ledger.addComposeProject(compose.file, project);
    const unregister = registerCleanup(`compose project ${project}`, destroy);
    try {
      running.push(await builder().withWaitStrategy(`${compose.postgresService}-1`, Wait.forListeningPorts()).withWaitStrategy(`${compose.redisService}-1`, Wait.forListeningPorts()).up(deps));
    } catch (cause) {
      await destroy().catch(() => undefined);
      unregister();
      throw new GauntletError('GAUNTLET_ENV_START_FAILED', `docker compose could not start ${deps.join(', ')} from ${compose.file}: ${(cause as Error).message}`, {
        cause,
        fix: `Check the file with \`docker compose -f ${compose.file} config\`, and that it names the services environment.compose.postgresService/redisService.`,
      });
    }
    const env = running[0] as StartedDockerComposeEnvironment;
    const pgContainer = env.getContainer(`${compose.postgresService}-1`);
    const redisContainer = env.getContainer(`${compose.redisService}-1`);
    const pgPort = pgContainer.getMappedPort(5432);
    const redisPort = redisContainer.getMappedPort(6379);
    const host = pgContainer.getHost();
    const adminUrl = `postgres://${encodeURIComponent(pgConfig.user)}:${encodeURIComponent(pgConfig.password)}@${host}:${pgPort}/postgres`;
    const redisUrl = `redis://${host}:${redisPort}`;
    await waitFor({ what: 'compose Postgres', check: () => postgresAnswers(adminUrl), timeoutMs: 60_000 });
    await waitFor({ what: 'compose Redis', check: () => redisAnswers(redisUrl), timeoutMs: 30_000 });
    log('compose project %s ready', project);
    const stop = async () => {
      unregister();
      await destroy();
    };
    return {
      kind: 'compose',
      postgres: { adminUrl, host, port: pgPort, user: pgConfig.user, password: pgConfig.password },
      redis: { url: redisUrl, host, port: redisPort },
      targetUrl: undefined,
      disposable: true,
      services: {
        postgres: containerService(pgContainer.getId(), () => postgresAnswers(adminUrl), 'compose Postgres'),
        redis: containerService(redisContainer.getId(), () => redisAnswers(redisUrl), 'compose Redis'),
      },
      state: () => ({ kind: 'compose', pids: [], containers: [], dirs: [], composeProject: { file: compose.file, project } }),
      stop,
      [Symbol.asyncDispose]: stop,
      startTargetService: async (health) => {
        const service = compose.targetService;
        if (!service) throw new Error('startTargetService called without environment.compose.targetService');
        let started: StartedDockerComposeEnvironment;
        try {
          started = await builder().up([service]);
        } catch (cause) {
          throw new GauntletError('GAUNTLET_ENV_START_FAILED', `docker compose could not start the target service ${service}: ${(cause as Error).message.split('\n').slice(-3).join(' ')}`, {
            cause,
            detail: (cause as Error).message.split('\n').slice(-20),
            fix: `Try \`docker compose -f ${compose.file} up ${service}\` yourself; check its build context, image and environment.`,
          });
        }
        running.push(started);
        const container = started.getContainer(`${service}-1`);
        const containerLogs: string[] = [];
        (await container.logs()).on('data', (line: Buffer | string) => containerLogs.push(...String(line).split('\n').filter(Boolean)));
        let url = '';
        try {
          url = `http://${container.getHost()}:${container.getMappedPort(compose.targetPort)}`;
          await waitFor({ what: `compose service ${service} health at ${url}${health.path}`, check: () => httpStatusIs(`${url}${health.path}`, health.status), timeoutMs: health.timeoutMs, intervalMs: health.intervalMs });
        } catch (cause) {
          const logs = await serviceLogs(compose.file, project, service);
          throw new GauntletError('GAUNTLET_TARGET_EXITED', `compose service ${service} did not become healthy: ${(cause as Error).message.split('\n')[0]}`, {
            cause,
            detail: [`last log lines of ${service}:`, ...logs.map((l) => `| ${l}`)],
            fix: `Check the service's environment in ${compose.file} and that environment.compose.targetPort (${compose.targetPort}) is the port it listens on.`,
          });
        }
        return {
          // A getter: the engine publishes the restarted container on a new host port.
          get url() {
            return url;
          },
          pid: undefined,
          containerId: container.getId(),
          logFile: `docker logs ${container.getId()}`,
          lastLogLines: (n = 50) => containerLogs.slice(-n),
          restart: async () => {
            await container.restart();
            // Testcontainers re-reads the published ports on restart.
            url = `http://${container.getHost()}:${container.getMappedPort(compose.targetPort)}`;
            try {
              await waitFor({ what: `compose service ${service} health at ${url}${health.path} after a restart`, check: () => httpStatusIs(`${url}${health.path}`, health.status), timeoutMs: health.timeoutMs, intervalMs: health.intervalMs });
            } catch (cause) {
              const logs = await serviceLogs(compose.file, project, service);
              throw new GauntletError('GAUNTLET_TARGET_EXITED', `compose service ${service} did not become healthy after a restart: ${(cause as Error).message.split('\n')[0]}`, {
                cause,
                detail: [`last log lines of ${service}:`, ...logs.map((l) => `| ${l}`)],
                fix: `Check that ${service} keeps its data and configuration over a restart (${compose.file}).`,
              });
            }
          },
          stop: async () => undefined, // removed with the project
        };
      },
    };
  }
}

async function serviceLogs(file: string, project: string, service: string): Promise<string[]> {
  try {
    const { stdout, stderr } = await exec('docker', ['compose', '-f', file, '-p', project, 'logs', '--no-color', '--no-log-prefix', '--tail', '50', service]);
    return `${stdout}${stderr}`.split('\n').filter(Boolean);
  } catch (error) {
    return [`(could not read the logs: ${(error as Error).message})`];
  }
}

function containerService(id: string, ready: () => Promise<boolean>, what: string): RestartableService {
  const handle = async () => (await getContainerRuntimeClient()).container.getById(id);
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
