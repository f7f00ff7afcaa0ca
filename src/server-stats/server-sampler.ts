import { logger } from '../log/logger.ts';
import { repeatEvery } from '../wait/repeat-every.ts';
import { K6_RUNNING, readK6Live, type K6Live } from './k6-live.ts';
import { containerUsage } from './container-stats.ts';
import { PostgresStats, type StatementTotals } from './postgres-stats.ts';
import { procAvailable, processGroupUsage, type ProcessUsage } from './process-stats.ts';
import { RedisStats, type RedisFigures } from './redis-stats.ts';

const log = logger('k6');

/** One moment of the server's side while load runs. Absent fields could not be read. */
export interface ServerSample {
  /** Milliseconds since sampling started. */
  t: number;
  rssBytes?: number;
  cpuSeconds?: number;
  /** Statements executed in the target's database since the start (cumulative). */
  statements?: number;
  connections?: number;
  /** Of those, running a statement, idle inside a transaction, and waiting for a lock. */
  activeConnections?: number;
  idleInTransaction?: number;
  lockWaits?: number;
  redis?: RedisFigures;
  /** The load tool's side at that moment (k6's REST API). */
  client?: K6Live;
}

/** Where each figure comes from, and why a source is missing. */
export interface ServerSources {
  process: { kind: 'process'; pid: number } | { kind: 'container'; id: string } | { kind: 'none'; reason: string };
  postgres: { available: true } | { available: false; reason: string };
  redis: { available: true } | { available: false; reason: string };
}

export interface ServerObservation {
  sources: ServerSources;
  samples: ServerSample[];
  /** pg_stat_statements at the end, when available. */
  statements?: StatementTotals;
  /** pg_stat_statements at the first sample of k6's scenarios (so setup's statements can be told apart). */
  statementsAtSteadyStart?: StatementTotals;
}

export interface ServerSamplerOptions {
  /** The target's process group (a process target) or container. */
  pid?: number;
  containerId?: string;
  /** Postgres maintenance URL (to read pg_stat_statements and pg_stat_activity) and the target's database. */
  adminUrl?: string;
  database: string;
  redisUrl: string;
  /** k6's REST API (`--address`), for its phase and request count at each sample. */
  k6Api?: string;
  intervalMs: number;
  maxSamples: number;
}

/**
 * Samples what Gauntlet can see of the target's server side while k6 runs: the target's memory and
 * CPU (/proc for a process, the engine's stats for a container), its database's statements and
 * connections (pg_stat_statements, reset at the start), and Redis (memory, keys without a TTL,
 * evictions). Bounded by `maxSamples`; a source that fails is dropped and the reason kept.
 */
export async function startServerSampler(options: ServerSamplerOptions): Promise<{ stop(): Promise<ServerObservation> }> {
  const sources: ServerSources = {
    process:
      options.pid !== undefined && (await procAvailable())
        ? { kind: 'process', pid: options.pid }
        : options.containerId
          ? { kind: 'container', id: options.containerId }
          : { kind: 'none', reason: options.pid !== undefined ? 'no /proc on this system (memory and CPU are read from Linux /proc)' : 'the target is not a process or container that Gauntlet started (an external URL)' },
    postgres: { available: false, reason: 'no maintenance URL for the database (an external environment that is not disposable)' },
    redis: { available: true },
  };
  let postgres: PostgresStats | undefined;
  if (options.adminUrl) {
    const probe = await PostgresStats.open(options.adminUrl, options.database);
    if (probe.available) {
      postgres = probe.stats;
      sources.postgres = { available: true };
    } else sources.postgres = probe;
  }
  const redis = new RedisStats(options.redisUrl);

  const usage = async (): Promise<ProcessUsage | undefined> => {
    const source = sources.process;
    if (source.kind === 'process') return processGroupUsage(source.pid);
    if (source.kind === 'container') return containerUsage(source.id);
    return undefined;
  };
  const failed = (what: 'process' | 'postgres' | 'redis', error: unknown) => {
    log('server sampling of %s stopped: %s', what, (error as Error).message);
    const reason = `reading it failed during the run: ${(error as Error).message}`;
    if (what === 'process') sources.process = { kind: 'none', reason };
    else sources[what] = { available: false, reason };
  };

  const samples: ServerSample[] = [];
  let statementsAtSteadyStart: StatementTotals | undefined;
  let lastTotals: StatementTotals | undefined;
  const started = Date.now();
  const probe = async () => {
    const sample: ServerSample = { t: Date.now() - started };
    let totals: StatementTotals | undefined;
    await Promise.all([
      usage().then((u) => {
        if (u) Object.assign(sample, { rssBytes: u.rssBytes, cpuSeconds: u.cpuSeconds });
      }, (e) => failed('process', e)),
      postgres && sources.postgres.available
        ? Promise.all([postgres.totals(), postgres.connections()]).then(([read, connections]) => {
            totals = read;
            Object.assign(sample, { statements: read.calls, connections: connections.total, activeConnections: connections.active, idleInTransaction: connections.idleInTransaction, lockWaits: connections.waitingOnLock });
          }, (e) => failed('postgres', e))
        : undefined,
      options.k6Api ? readK6Live(options.k6Api).then((client) => client && Object.assign(sample, { client })) : undefined,
      sources.redis.available ? redis.figures().then((figures) => Object.assign(sample, { redis: figures }), (e) => failed('redis', e)) : undefined,
    ]);
    if (totals) lastTotals = totals;
    if (!statementsAtSteadyStart && totals && (sample.client?.status ?? 0) >= K6_RUNNING) statementsAtSteadyStart = totals;
    samples.push(sample);
  };

  // The first sample before k6 starts (the baseline), then one an interval.
  await probe();
  const loop = repeatEvery(options.intervalMs, options.maxSamples - 1, probe, { afterInterval: true });

  return {
    async stop() {
      await loop.stop();
      await probe(); // the figures at the very end
      const statements = sources.postgres.available ? lastTotals : undefined;
      await postgres?.close();
      redis.close();
      return { sources, samples, ...(statements ? { statements } : {}), ...(statementsAtSteadyStart ? { statementsAtSteadyStart } : {}) };
    },
  };
}
