import type { Options } from 'k6/options';

/**
 * Our users' promises as k6 thresholds: p95 under 200 ms, under 0.1 % errors, checks passing,
 * and the same latency promise per endpoint (requests tagged with `name`).
 */
export function promisedThresholds(endpoints: string[]): NonNullable<Options['thresholds']> {
  const thresholds: NonNullable<Options['thresholds']> = {
    http_req_duration: ['p(95)<200', 'p(99)<1000'],
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  };
  for (const name of endpoints) thresholds[`http_req_duration{name:${name}}`] = ['p(95)<200'];
  return thresholds;
}
