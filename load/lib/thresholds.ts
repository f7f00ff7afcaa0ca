import type { Options } from 'k6/options';

/**
 * Our users' promises as k6 thresholds: p95 under 200 ms, under 0.1 % errors, checks passing,
 * and the same latency promise per endpoint (requests tagged with `name`).
 */
export function promisedThresholds(endpoints: string[]): NonNullable<Options['thresholds']> {
  // LATENCY_P95_MS / LATENCY_P99_MS move the latency promise for a run that is not about it
  // (Gauntlet's own tests of the server-side checks: two k6 runs sharing two cores). The promise
  // itself is p95 < 200 ms and p99 < 1 s.
  const p95 = Number(__ENV.LATENCY_P95_MS ?? '200');
  const p99 = Number(__ENV.LATENCY_P99_MS ?? '1000');
  const thresholds: NonNullable<Options['thresholds']> = {
    http_req_duration: [`p(95)<${p95}`, `p(99)<${p99}`],
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  };
  for (const name of endpoints) thresholds[`http_req_duration{name:${name}}`] = [`p(95)<${p95}`];
  return thresholds;
}
