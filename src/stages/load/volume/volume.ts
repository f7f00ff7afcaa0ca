import pg from 'pg';
import { logger } from '../../../log/logger.ts';
import type { CheckResult, DataTable } from '../../../results/types.ts';
import type { ConnectionFigures, StatementStats } from '../../../server-stats/postgres-stats.ts';
import type { StageContext } from '../../types.ts';
import type { Durations } from '../durations.ts';
import type { K6Summary } from '../summary.ts';
import { fmt, ms } from './format.ts';
import { grownStatements, scalingChecks, type SizeMeasurement } from './growth.ts';
import { planChecks, seqScansIn } from './plans.ts';
import { apiSeeder, SeedError, seedWithCommand } from './seed.ts';
import { analyze, countRows, missingTables } from './table-rows.ts';

const log = logger('k6');

type Volume = NonNullable<NonNullable<StageContext['config']['stages']['load']>['volume']>;

/** What a run of the profile gives the volume: k6's summary, the statements and the connections. */
export interface VolumeRun {
  summary: K6Summary;
  /** Every request's duration, keyed as the summary's figures (durations.ts); undefined when k6 wrote none. */
  durations: Durations | undefined;
  /** pg_stat_statements over the run; undefined when it cannot be read here. */
  statements: StatementStats[] | undefined;
  /** Why the statements could not be read. */
  statementsMissing?: string;
  /** Peaks over the run's samples (pg_stat_activity). */
  connections: ConnectionFigures | undefined;
}

export interface SizeResult extends SizeMeasurement {
  /** Rows added to reach it, and how long that took. */
  added: number;
  seedSeconds: number;
  connections: VolumeRun['connections'];
}

export interface VolumeOutcome {
  checks: CheckResult[];
  tables: DataTable[];
  metrics: Record<string, number>;
  sizes: SizeResult[];
}


/** A latency figure (ms) of every endpoint k6 tagged with a name: `p(95)` or `med`. */
export function endpointFigure(summary: K6Summary, stat: 'p(95)' | 'med'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, metric] of Object.entries(summary.metrics)) {
    const name = /^http_req_duration\{name:([^}]+)\}$/.exec(key)?.[1];
    const value = metric.values[stat];
    if (name && typeof value === 'number') out[name] = value;
  }
  return out;
}

/** The per-request durations of the tagged endpoints, by name. */
function endpointDurations(durations: Durations | undefined, names: string[]): Record<string, number[]> | undefined {
  if (!durations) return undefined;
  return Object.fromEntries(names.flatMap((name) => (durations[`http_req_duration{name:${name}}`] ? [[name, durations[`http_req_duration{name:${name}}`] as number[]]] : [])));
}

/**
 * The volume profile: for each size, smallest first, the data grows to base × size rows of the
 * volume's tables (the seed command, or the API's creates), the tables are analyzed, and the load
 * profile runs (`run`). Then the growth per endpoint is fitted (load:scaling:*), the plans of the
 * statements the load ran are read at the largest size (load:plan:*), and the cost per size becomes
 * a table for the reports. A size that cannot be seeded or measured ends the series there, with a
 * failed load:volume check naming why; the sizes measured before it are still reported.
 */
export async function measureVolumes<R extends VolumeRun>(context: StageContext, volume: Volume, seed: number, run: (label: string) => Promise<R | { failed: CheckResult }>): Promise<VolumeOutcome & { /** The run at the largest size: the stage's own verdict (thresholds, server checks) is on it. */ last: R | undefined }> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: context.gauntlet.databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  const checks: CheckResult[] = [];
  const sizes: SizeResult[] = [];
  let last: R | undefined;
  const title = `the data grew to every size (${volume.sizes.map((s) => `${s}×`).join(', ')} of ${fmt(volume.base)} rows) and the profile ran at each`;
  const fail = (message: string) => checks.push({ id: 'load:volume', stage: 'load', title, status: 'failed', message });
  try {
    await client.connect();
    const missing = await missingTables(client, volume.tables);
    if (missing.length) {
      fail(`stages.load.volume.tables names ${missing.join(', ')}, which the target's database does not have (after its migrations): name the tables the seeding fills, e.g. "messages"`);
      return { checks, tables: [], metrics: {}, sizes, last };
    }
    const throughApi = 'operations' in volume.seed ? apiSeeder(context, volume.seed, volume.tables, seed) : undefined;
    for (const size of volume.sizes) {
      const rows = Math.round(volume.base * size);
      const label = `${size}×`;
      const before = await countRows(client, volume.tables);
      const seedStarted = performance.now();
      if (before < rows) {
        log('volume %s: seeding %d → %d rows', label, before, rows);
        if ('command' in volume.seed) await seedWithCommand(context, volume.seed, volume.tables, client, label, before, rows, seed);
        else await throughApi?.grow(label, before, rows, () => countRows(client, volume.tables));
      }
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      await analyze(client, volume.tables);
      const now = await countRows(client, volume.tables);
      if (now < rows) {
        fail(`at ${label} the seeding left ${fmt(now)} rows in ${volume.tables.join(', ')}, not ${fmt(rows)}: the seed ${'command' in volume.seed ? 'command must add rows until the tables hold GAUNTLET_VOLUME_ROWS' : 'operations must create rows in those tables'}`);
        break;
      }
      const measured = await run(`volume-${size}x`);
      if ('failed' in measured) {
        fail(`at ${label} (${fmt(now)} rows) the profile could not be measured: ${measured.failed.message ?? measured.failed.title}`);
        break;
      }
      last = measured;
      const endpoints = endpointFigure(measured.summary, 'p(95)');
      const durations = endpointDurations(measured.durations, Object.keys(endpoints));
      sizes.push({ size, rows: now, added: now - before, seedSeconds, endpoints, medians: endpointFigure(measured.summary, 'med'), ...(durations ? { durations } : {}), statements: measured.statements ?? [], connections: measured.connections });
    }
  } catch (error) {
    // A seeding that failed, a database that went away: the stage reports it and goes on with what it measured.
    const why = error instanceof SeedError ? error.message : `${(error as Error).message ?? String(error)}`;
    fail(`${sizes.length ? `after ${sizes.at(-1)?.size}× ` : ''}the volume could not grow: ${why}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const seeded = sizes.reduce((sum, s) => sum + s.added, 0);
  const seedSeconds = sizes.reduce((sum, s) => sum + s.seedSeconds, 0);
  if (!checks.length) {
    checks.push({ id: 'load:volume', stage: 'load', title, status: 'passed', message: `${sizes.map((s) => fmt(s.rows)).join(' → ')} rows of ${volume.tables.join(', ')}; ${fmt(seeded)} rows added in ${seedSeconds.toFixed(1)} s (${fmt(seeded / Math.max(seedSeconds, 0.001))} rows/s through the ${'command' in volume.seed ? 'seed command' : 'API'})` });
  }
  const statementsMissing = last?.statementsMissing;
  if (sizes.length >= 2) checks.push(...scalingChecks(sizes, { ...volume, ...(statementsMissing ? { statementsMissing } : {}) }));
  const largest = sizes.at(-1);
  if (largest && statementsMissing) {
    checks.push({ id: 'load:plans', stage: 'load', title: 'the plans of the load\'s statements', status: 'skipped', message: `no statements to explain: ${statementsMissing}` });
  } else if (largest) {
    // The hottest shapes by total time, and every one whose reads grew: the plans that matter.
    const grown = new Set(grownStatements(sizes, volume.statementGrowthExponent).map((s) => s.query));
    const hot = largest.statements.filter((s, i) => i < 15 || grown.has(s.query));
    const found = await seqScansIn(context.gauntlet.databaseUrl, hot).catch((error: unknown) => ({ scans: [], unexplained: [`the plans could not be read: ${(error as Error).message}`] }));
    checks.push(...planChecks(found, hot.length, volume.seqScanRows));
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const metrics: Record<string, number> = { 'load.volume.wallSeconds': wallSeconds, ...(seedSeconds > 0 ? { 'load.volume.seedRowsPerSecond': seeded / seedSeconds } : {}) };
  return { checks, tables: volumeTables(sizes, volume.statementGrowthExponent), metrics, sizes, last };
}

/** The cost per size for the reports: one row per endpoint, then the statements whose reads grew, then the connections. */
export function volumeTables(sizes: SizeResult[], statementGrowthExponent = 0.5): DataTable[] {
  if (sizes.length === 0) return [];
  const columns = ['', ...sizes.map((s) => `${fmt(s.rows)} rows (${s.size}×)`)];
  const endpoints = [...new Set(sizes.flatMap((s) => Object.keys(s.endpoints)))].sort();
  const rows = endpoints.map((e) => [`${e} p95 (ms)`, ...sizes.map((s) => (s.endpoints[e] === undefined ? '–' : ms(s.endpoints[e])))]);
  const grown = grownStatements(sizes, statementGrowthExponent).slice(0, 3);
  for (const g of grown) {
    const text = g.query.replace(/\s+/g, ' ').trim();
    const name = text.length > 60 ? `${text.slice(0, 57)}…` : text;
    rows.push([`\`${name}\` mean (ms) / buffers per call`, ...sizes.map((s) => {
      const found = s.statements.find((x) => x.query === g.query && x.calls > 0);
      return found ? `${ms(found.meanMs)} / ${fmt(found.blocks / found.calls)}` : '–';
    })]);
  }
  if (sizes.some((s) => s.connections)) {
    rows.push(['database connections at most (running / idle in a transaction / waiting on a lock)', ...sizes.map((s) => (s.connections ? `${s.connections.total} (${s.connections.active} / ${s.connections.idleInTransaction} / ${s.connections.waitingOnLock})` : '–'))]);
  }
  rows.push(['seeding (rows/s)', ...sizes.map((s) => (s.added > 0 && s.seedSeconds > 0 ? fmt(s.added / s.seedSeconds) : '–'))]);
  return [{ title: 'Cost as the data grows', columns, rows, note: 'p95 per endpoint (k6) at each size; statements whose buffers read per call grew with the rows (pg_stat_statements), mean time and buffers per call; connections to the target\'s database at most over the run (pg_stat_activity).' }];
}
