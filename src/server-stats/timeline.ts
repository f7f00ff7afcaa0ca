import type { Timeline } from '../results/types.ts';
import type { ServerSample } from './server-sampler.ts';

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The run over time for the reports, at most `points` samples (evenly picked): k6's p95 so far and
 * requests per second, the target's resident memory, and SQL statements per request between samples.
 */
export function timelineOf(samples: ServerSample[], points = 120): Timeline {
  const step = Math.max(1, Math.ceil(samples.length / points));
  const picked = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  const between = (i: number, f: (s: ServerSample) => number | undefined, per: (a: ServerSample, b: ServerSample) => number) => {
    const a = picked[i - 1];
    const b = picked[i];
    if (!a || !b) return null;
    const va = f(a);
    const vb = f(b);
    const d = per(a, b);
    return va === undefined || vb === undefined || d <= 0 ? null : round((vb - va) / d);
  };
  return {
    t: picked.map((s) => round(s.t / 1000)),
    series: {
      'p95 so far (ms)': picked.map((s) => (s.client?.p95Ms === undefined ? null : round(s.client.p95Ms))),
      'requests/s': picked.map((_, i) => between(i, (s) => s.client?.requests, (a, b) => (b.t - a.t) / 1000)),
      'resident memory (MiB)': picked.map((s) => (s.rssBytes === undefined ? null : round(s.rssBytes / 1048576))),
      'SQL statements per request': picked.map((_, i) => between(i, (s) => s.statements, (a, b) => (b.client?.requests ?? 0) - (a.client?.requests ?? 0))),
    },
  };
}
