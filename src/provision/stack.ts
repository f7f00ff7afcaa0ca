import type { ResolvedConfig } from '../config/load.ts';
import { startControl, type StartedControl } from '../control/control-server.ts';
import type { EnvironmentKind } from '../config/schema.ts';
import { DatabaseManager, databaseUrlEnv, withDatabaseParts } from '../database/database-manager.ts';
import { setUserCommandEnv } from '../http/user-command.ts';
import type { StartedComposeEnvironment } from '../environments/compose/compose-environment.ts';
import { assertDisposable } from '../environments/external/external-environment.ts';
import { createEnvironment } from '../environments/resolve.ts';
import type { StartedEnvironment } from '../environments/types.ts';
import { runCommand } from '../process/managed-process.ts';
import { TargetContainer } from '../target/target-container.ts';
import { TargetProcess, type StartedTarget, type TargetWiring } from '../target/target.ts';
import { startMockUpstream, type StartedUpstream } from '../upstreams/mock-upstream.ts';
import { httpStatusIs } from '../wait/http.ts';
import { waitFor } from '../wait/wait-for.ts';

/** What tests and stages get: plain URLs, serialisable (vitest `provide`, GAUNTLET_CONTEXT). */
export interface GauntletContext {
  environment: Exclude<EnvironmentKind, 'auto'>;
  targetUrl: string | null;
  /** The target's own database. */
  databaseUrl: string;
  /** Maintenance URL for cloning; null when the database is not disposable. */
  adminUrl: string | null;
  templateDatabase: string | null;
  redisUrl: string;
  /** Base URLs of the mocked upstreams, by name. */
  upstreams: Record<string, string>;
  /** The fault-injection channel (upstream faults, Postgres/Redis stop and start); see control/. */
  controlUrl: string | null;
}

export interface Stack {
  environment: StartedEnvironment;
  upstreams: StartedUpstream[];
  database: DatabaseManager | undefined;
  target: StartedTarget | undefined;
  control: StartedControl;
  context: GauntletContext;
  timings: { environmentMs: number; targetMs: number };
  stop(): Promise<void>;
}

export interface StackHooks {
  onEnvironmentReady?(env: StartedEnvironment, ms: number): void;
}

/** Environment → migrated template + app database → seed → target. Undoes what it did if a step fails. */
export interface StackOptions extends StackHooks {
  withTarget: boolean;
  /** Extra env vars for the target process (e.g. seeded flaws). */
  targetEnv?: Record<string, string>;
}

export async function startStack(config: ResolvedConfig, kind: Exclude<EnvironmentKind, 'auto'>, options: StackOptions): Promise<Stack> {
  let t = performance.now();
  const environment = await createEnvironment(kind, config).start();
  const environmentMs = Math.round(performance.now() - t);
  options.onEnvironmentReady?.(environment, environmentMs);
  let target: StartedTarget | undefined;
  const upstreams: StartedUpstream[] = [];
  const stopUpstreams = () => Promise.all(upstreams.map((u) => u.stop()));
  let control: StartedControl | undefined;
  try {
    const { database, databaseUrl } = await prepareDatabase(config, environment);
    for (const spec of config.upstreams) upstreams.push(await startMockUpstream(spec));
    const upstreamEnv = { ...Object.fromEntries(upstreams.map((u) => [u.env, u.url])), ...options.targetEnv };
    t = performance.now();
    if (options.withTarget) target = await startTarget(config, environment, { databaseUrl, redisUrl: environment.redis.url, env: upstreamEnv });
    const targetMs = Math.round(performance.now() - t);
    control = await startControl(upstreams, environment.services);
    const started = control;
    return {
      environment,
      upstreams,
      database,
      target,
      control: started,
      context: {
        environment: kind,
        // A getter (JSON.stringify keeps its value): a restarted container target may have a new port.
        get targetUrl() {
          return target?.url ?? null;
        },
        databaseUrl,
        adminUrl: database ? database.adminUrl : null,
        // Per-test clones (cleanDatabase) need the template; with reset 'migrate' there is none.
        templateDatabase: database?.strategy === 'template' ? database.templateName : null,
        redisUrl: environment.redis.url,
        upstreams: Object.fromEntries(upstreams.map((u) => [u.name, u.url])),
        controlUrl: started.url,
      },
      timings: { environmentMs, targetMs },
      stop: async () => {
        try {
          await started.stop();
          await target?.stop();
          await stopUpstreams();
        } finally {
          await environment.stop();
        }
      },
    };
  } catch (error) {
    await control?.stop().catch(() => undefined);
    await target?.stop().catch(() => undefined);
    await stopUpstreams().catch(() => undefined);
    await environment.stop();
    throw error;
  }
}

async function prepareDatabase(config: ResolvedConfig, env: StartedEnvironment): Promise<{ database: DatabaseManager | undefined; databaseUrl: string }> {
  const { target } = config;
  if (!env.disposable) {
    // External and not disposable: use the database as it is; no reset, no migrate, no seed.
    if (target.seed) assertDisposable(env, 'run the seed command');
    return { database: undefined, databaseUrl: env.postgres.adminUrl };
  }
  const database = new DatabaseManager(env.postgres.adminUrl, config.environment.postgres.database, config.environment.postgres.reset);
  // The migrate and seed commands load the target's own code and settings: they get the env the target gets, then their own.
  await database.prepare(target.migrate && { ...target.migrate, env: { ...target.start.env, ...target.migrate.env } }, target.env);
  if (target.seed) {
    await runCommand({
      name: 'seed',
      what: 'The seed command',
      command: target.seed.command,
      cwd: target.seed.cwd,
      timeoutMs: target.seed.timeoutMs,
      env: { ...process.env, ...withDatabaseParts({ ...target.start.env, ...target.seed.env }, database.appUrl), ...databaseUrlEnv(target.env, database.appUrl), [target.env.redisUrl]: env.redis.url },
    });
  }
  // Users made by a command (target.auth.createUser) go into the target's database, with its settings.
  setUserCommandEnv({ ...process.env, ...withDatabaseParts(target.start.env, database.appUrl), ...databaseUrlEnv(target.env, database.appUrl), [target.env.redisUrl]: env.redis.url });
  return { database, databaseUrl: database.appUrl };
}

async function startTarget(config: ResolvedConfig, env: StartedEnvironment, wiring: TargetWiring): Promise<StartedTarget> {
  const { health } = config.target;
  if (env.targetUrl) {
    const url = env.targetUrl.replace(/\/$/, '');
    await waitFor({ what: `external target health at ${url}${health.path}`, check: () => httpStatusIs(`${url}${health.path}`, health.status), timeoutMs: health.timeoutMs, intervalMs: health.intervalMs });
    const notOurs = async () => undefined;
    return { url, pid: undefined, logFile: '(external target: no log)', lastLogLines: () => [], restart: notOurs, stop: notOurs };
  }
  const composeTarget = env.kind === 'compose' && config.environment.compose.targetService !== undefined;
  if ((composeTarget || 'image' in config.target.start) && config.target.build) {
    const build = config.target.build;
    await runCommand({ name: 'build', what: 'The build command', command: build.command, cwd: build.cwd, timeoutMs: build.timeoutMs, env: { ...process.env, ...build.env } });
  }
  if (composeTarget) return (env as StartedComposeEnvironment).startTargetService(health);
  if ('image' in config.target.start) return new TargetContainer(config, wiring).start();
  return new TargetProcess(config, wiring).start();
}
