import { linearRegression } from 'simple-statistics';
import { gate } from '../gates/compare.ts';
import type { CheckResult, GateResult } from '../results/types.ts';
import { K6_RUNNING } from './k6-live.ts';
import type { ServerObservation, ServerSample } from './server-sampler.ts';

/** The limits on the server's side of a load run (stages.load.server); 0 turns one off. */
export interface ServerLimits {
  statementsPerRequest: number;
  statementRepeatsPerRequest: number;
  statementMeanMs: number;
  memoryGrowthMb: number;
  keysWithoutTtlPer1kRequests: number;
  /** The steady phase: this fraction of the run's samples at the start is warm-up and left out. */
  warmupFraction: number;
}

export interface ServerFigures {
  statementsPerRequest?: number;
  mostRepeatedStatementPerRequest?: number;
  slowestStatementMeanMs?: number;
  memoryGrowthMb?: number;
  peakRssMb?: number;
  cpuPercent?: number;
  maxConnections?: number;
  keysWithoutTtlPer1kRequests?: number;
  redisMemoryMb?: number;
  evictedKeys?: number;
}

const MB = 1024 * 1024;
/** Two decimals, as every server-side figure is reported. */
export const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The growth of resident memory over the steady phase: a least-squares line through the samples
 * after warm-up, its slope times the phase's length. A line and not last-minus-first, so one
 * garbage collection at either end does not decide the verdict.
 */
export function memoryGrowth(samples: ServerSample[], warmupFraction: number): { growthMb: number; fromS: number; toS: number; samples: number } | undefined {
  const withRss = samples.filter((s): s is ServerSample & { rssBytes: number } => s.rssBytes !== undefined);
  const steady = withRss.slice(Math.floor(withRss.length * warmupFraction));
  if (steady.length < 5) return undefined;
  const { m } = linearRegression(steady.map((s) => [s.t / 1000, s.rssBytes / MB]));
  const fromS = (steady[0] as ServerSample).t / 1000;
  const toS = (steady.at(-1) as ServerSample).t / 1000;
  return { growthMb: round(m * (toS - fromS)), fromS: round(fromS), toS: round(toS), samples: steady.length };
}

const check = (id: string, title: string, status: CheckResult['status'], message: string, evidence?: Record<string, unknown>): CheckResult => ({
  id: `load:server:${id}`,
  stage: 'load',
  title,
  status,
  message,
  ...(evidence ? { evidence } : {}),
});

/** How many requests the target answered, for the per-request figures. */
export interface RequestCounts {
  /** k6's http_reqs count at the end (its summary). */
  k6: number;
  /** Requests the health/metrics sampler sends per sample interval. */
  samplerPerSample: number;
}

/**
 * The samples of the steady load: from the first one where k6 ran its scenarios (its setup, such as
 * signing users in, is no part of what a request costs under load). All of them when k6's API gave
 * no phase.
 */
export function steadyLoad(samples: ServerSample[]): { from: number; byPhase: boolean } {
  const from = samples.findIndex((s) => (s.client?.status ?? 0) >= K6_RUNNING);
  return from >= 0 ? { from, byPhase: true } : { from: 0, byPhase: false };
}

/** Checks and gates of what the server did under load. */
export function serverVerdict(observation: ServerObservation, counts: RequestCounts, limits: ServerLimits): { checks: CheckResult[]; gates: GateResult[]; figures: ServerFigures } {
  const { sources } = observation;
  const all = observation.samples;
  const steady = steadyLoad(all);
  const samples = all.slice(steady.from);
  const phase = steady.byPhase ? "k6's scenarios" : 'the whole run (k6 gave no phase)';
  const checks: CheckResult[] = [];
  const gates: GateResult[] = [];
  const figures: ServerFigures = {};
  const first = samples[0];
  const last = samples.at(-1);
  // Requests answered from the first steady sample to the end: k6's, less those it had sent before, and the sampler's.
  const requests = Math.max(0, counts.k6 - (first?.client?.requests ?? 0)) + samples.length * counts.samplerPerSample;

  // Memory and CPU of the target.
  const memTitle = `the target's memory does not grow by more than ${limits.memoryGrowthMb} MiB over the steady phase`;
  if (sources.process.kind === 'none') checks.push(check('memory-growth', memTitle, 'skipped', `not measured: ${sources.process.reason}`));
  else {
    const growth = memoryGrowth(samples, limits.warmupFraction);
    const rss = samples.flatMap((s) => (s.rssBytes === undefined ? [] : [s.rssBytes]));
    if (rss.length) figures.peakRssMb = round(Math.max(...rss) / MB);
    const cpu = samples.filter((s) => s.cpuSeconds !== undefined);
    if (cpu.length >= 2) {
      const a = cpu[0] as ServerSample;
      const b = cpu.at(-1) as ServerSample;
      if (b.t > a.t) figures.cpuPercent = round((((b.cpuSeconds as number) - (a.cpuSeconds as number)) / ((b.t - a.t) / 1000)) * 100);
    }
    if (!growth) checks.push(check('memory-growth', memTitle, 'skipped', `inconclusive: ${rss.length} memory samples, too few for a steady phase (at least 5 after the first ${limits.warmupFraction * 100}%): lengthen the profile or shorten stages.load.sample.intervalMs`));
    else {
      figures.memoryGrowthMb = growth.growthMb;
      const described = `resident memory grew ${growth.growthMb} MiB from ${growth.fromS} s to ${growth.toS} s of ${phase} (a line through ${growth.samples} samples; peak ${figures.peakRssMb} MiB${figures.cpuPercent !== undefined ? `, CPU ${figures.cpuPercent}% of one core` : ''})`;
      const over = limits.memoryGrowthMb > 0 && growth.growthMb > limits.memoryGrowthMb;
      checks.push(check('memory-growth', memTitle, over ? 'failed' : 'passed', over ? `${described}: more than ${limits.memoryGrowthMb} MiB, a leak per request is likely` : described, { ...growth, peakRssMb: figures.peakRssMb, cpuPercent: figures.cpuPercent }));
      if (limits.memoryGrowthMb > 0) gates.push(gate('load.server.memoryGrowthMb', growth.growthMb, '<=', limits.memoryGrowthMb));
    }
  }

  // Postgres: statements per request, statement time, connections.
  const stmtTitle = `at most ${limits.statementsPerRequest} SQL statements per HTTP request`;
  const timeTitle = `no statement's mean time above ${limits.statementMeanMs} ms`;
  const totals = observation.statements;
  if (!sources.postgres.available || !totals) {
    const reason = sources.postgres.available ? 'pg_stat_statements gave no figures' : sources.postgres.reason;
    checks.push(check('statements-per-request', stmtTitle, 'skipped', `not measured: ${reason}`), check('statement-time', timeTitle, 'skipped', `not measured: ${reason}`));
  } else {
    const connections = samples.flatMap((s) => (s.connections === undefined ? [] : [s.connections]));
    if (connections.length) figures.maxConnections = Math.max(...connections);
    // Whole-run figures per statement shape (pg_stat_statements keeps no time series).
    const top = totals.statements.slice(0, 5).map((s) => ({ query: s.query.slice(0, 300), calls: s.calls, meanMs: round(s.meanMs), maxMs: round(s.maxMs) }));
    const before = first?.statements ?? 0;
    const calls = totals.calls - before;
    if (requests === 0) checks.push(check('statements-per-request', stmtTitle, 'skipped', `not measured: the target answered no request during ${phase}`));
    else {
      const perRequest = round(calls / requests);
      figures.statementsPerRequest = perRequest;
      const over = limits.statementsPerRequest > 0 && perRequest > limits.statementsPerRequest;
      const described = `${calls} statements for ${requests} requests during ${phase}: ${perRequest} per request${figures.maxConnections !== undefined ? `, at most ${figures.maxConnections} connections` : ''}`;
      checks.push(check('statements-per-request', stmtTitle, over ? 'failed' : 'passed', over ? `${described}: more than ${limits.statementsPerRequest}, a query per row (N+1) is likely` : described, { statements: calls, requests, perRequest, phaseFromS: round((first?.t ?? 0) / 1000), maxConnections: figures.maxConnections, top }));
      if (limits.statementsPerRequest > 0) gates.push(gate('load.server.statementsPerRequest', perRequest, '<=', limits.statementsPerRequest));
    }
    checks.push(repeatedStatement(observation, requests, phase, limits, figures, gates));
    const slowest = [...totals.statements].sort((a, b) => b.meanMs - a.meanMs)[0];
    if (!slowest) checks.push(check('statement-time', timeTitle, 'skipped', 'not measured: the target ran no statement'));
    else {
      figures.slowestStatementMeanMs = round(slowest.meanMs);
      const over = limits.statementMeanMs > 0 && slowest.meanMs > limits.statementMeanMs;
      const described = `slowest by mean: ${round(slowest.meanMs)} ms (max ${round(slowest.maxMs)} ms, ${slowest.calls} calls) \`${slowest.query.replace(/\s+/g, ' ').slice(0, 160)}\``;
      checks.push(check('statement-time', timeTitle, over ? 'failed' : 'passed', described, { top }));
      if (limits.statementMeanMs > 0) gates.push(gate('load.server.statementMeanMs', figures.slowestStatementMeanMs, '<=', limits.statementMeanMs));
    }
  }

  // Redis: keys without a TTL growing with load, memory, evictions.
  const ttlTitle = `Redis keys without a TTL grow by at most ${limits.keysWithoutTtlPer1kRequests} per 1,000 requests`;
  if (!sources.redis.available || !first?.redis || !last?.redis) {
    checks.push(check('redis-keys-without-ttl', ttlTitle, 'skipped', `not measured: ${sources.redis.available ? 'no INFO answer from Redis' : sources.redis.reason}`));
  } else if (requests === 0) checks.push(check('redis-keys-without-ttl', ttlTitle, 'skipped', `not measured: the target answered no request during ${phase}`));
  else {
    const added = last.redis.keysWithoutTtl - first.redis.keysWithoutTtl;
    const per1k = round((Math.max(0, added) / requests) * 1000);
    figures.keysWithoutTtlPer1kRequests = per1k;
    figures.redisMemoryMb = round(last.redis.usedMemoryBytes / MB);
    figures.evictedKeys = last.redis.evictedKeys - first.redis.evictedKeys;
    const over = limits.keysWithoutTtlPer1kRequests > 0 && per1k > limits.keysWithoutTtlPer1kRequests;
    const described = `keys without a TTL: ${first.redis.keysWithoutTtl} before and ${last.redis.keysWithoutTtl} after ${requests} requests during ${phase} (${per1k} per 1,000); ${last.redis.keys} keys, ${figures.redisMemoryMb} MiB used, ${figures.evictedKeys} evicted`;
    checks.push(check('redis-keys-without-ttl', ttlTitle, over ? 'failed' : 'passed', over ? `${described}: keys written without an expiry grow with traffic until Redis runs out of memory` : described, { before: first.redis, after: last.redis, per1k }));
    if (limits.keysWithoutTtlPer1kRequests > 0) gates.push(gate('load.server.keysWithoutTtlPer1kRequests', per1k, '<=', limits.keysWithoutTtlPer1kRequests));
  }
  return { checks, gates, figures };
}

/**
 * The N+1 signature in the database's own words: one statement shape executed many times per HTTP
 * request (a query per row of a list). Counted over k6's scenarios: the calls since their first
 * sample, per shape.
 */
function repeatedStatement(observation: ServerObservation, requests: number, phase: string, limits: ServerLimits, figures: ServerFigures, gates: GateResult[]): CheckResult {
  const title = `no SQL statement runs more than ${limits.statementRepeatsPerRequest} times per HTTP request`;
  const end = observation.statements?.statements ?? [];
  const start = new Map((observation.statementsAtSteadyStart?.statements ?? []).map((s) => [s.id, s.calls]));
  if (requests === 0) return check('statement-repeats', title, 'skipped', `not measured: the target answered no request during ${phase}`);
  const repeats = end
    .map((s) => ({ query: s.query.replace(/\s+/g, ' ').slice(0, 300), calls: s.calls - (start.get(s.id) ?? 0) }))
    .map((s) => ({ ...s, perRequest: round(s.calls / requests) }))
    .sort((a, b) => b.perRequest - a.perRequest);
  const worst = repeats[0];
  if (!worst) return check('statement-repeats', title, 'skipped', 'not measured: the target ran no statement');
  figures.mostRepeatedStatementPerRequest = worst.perRequest;
  if (limits.statementRepeatsPerRequest > 0) gates.push(gate('load.server.statementRepeatsPerRequest', worst.perRequest, '<=', limits.statementRepeatsPerRequest));
  const over = limits.statementRepeatsPerRequest > 0 && worst.perRequest > limits.statementRepeatsPerRequest;
  const described = `most repeated during ${phase}: ${worst.calls} calls for ${requests} requests (${worst.perRequest} per request) of \`${worst.query.slice(0, 160)}\``;
  return check('statement-repeats', title, over ? 'failed' : 'passed', over ? `${described}: one query per row of a list (N+1) is likely` : described, { requests, top: repeats.slice(0, 5) });
}
