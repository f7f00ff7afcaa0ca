import type { StageResult } from '../results/types.ts';

/** The load run's key figures, client side and server side, in the order the reports show them. */
const FIGURES: [key: string, label: string, scale?: number][] = [
  ['http_req_duration.p(95)', 'latency p95 (ms)'],
  ['http_req_duration.p(99)', 'latency p99 (ms)'],
  ['http_reqs.rate', 'requests per second'],
  ['http_req_failed.rate', 'errors (%)', 100],
  ['vus_max.max', 'VUs at most'],
  ['server.statementsPerRequest', 'SQL statements per request'],
  ['server.mostRepeatedStatementPerRequest', 'calls of the most repeated statement per request'],
  ['server.slowestStatementMeanMs', 'slowest statement, mean (ms)'],
  ['server.maxConnections', 'database connections at most'],
  ['server.memoryGrowthMb', 'memory growth over the steady phase (MiB)'],
  ['server.peakRssMb', 'peak resident memory (MiB)'],
  ['server.cpuPercent', 'CPU (% of one core)'],
  ['server.keysWithoutTtlPer1kRequests', 'Redis keys without a TTL per 1,000 requests'],
  ['server.redisMemoryMb', 'Redis memory (MiB)'],
  ['server.evictedKeys', 'Redis keys evicted'],
];

/** [label, value] rows of the load stage's measured figures; empty when it did not run. */
export function loadFigures(stages: StageResult[]): [string, string][] {
  const load = stages.find((s) => s.name === 'load');
  if (!load) return [];
  return FIGURES.flatMap(([key, label, scale]) => {
    const value = load.metrics[`load.${key}`];
    return value === undefined ? [] : [[label, String(Math.round(value * (scale ?? 1) * 100) / 100)] as [string, string]];
  });
}
