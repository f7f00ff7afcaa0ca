import type { Timeline } from '../results/types.ts';
import type { ServerSample } from './server-sampler.ts';
import { round } from './verdict.ts';

/** A cumulative figure's change per second between consecutive samples; null for the first and where a reading is missing. */
export function ratePerSecond(samples: ServerSample[], pick: (s: ServerSample) => number | undefined): (number | null)[] {
  return samples.map((b, i) => {
    const a = samples[i - 1];
    const va = a && pick(a);
    const vb = pick(b);
    return a && va !== undefined && vb !== undefined && b.t > a.t ? round((vb - va) / ((b.t - a.t) / 1000)) : null;
  });
}

/** SQL statements per k6 request between consecutive samples (the sampler's few requests are left out). */
export function statementsPerRequest(samples: ServerSample[]): (number | null)[] {
  return samples.map((b, i) => {
    const a = samples[i - 1];
    if (!a || a.statements === undefined || b.statements === undefined || !a.client || !b.client) return null;
    const requests = b.client.requests - a.client.requests;
    return requests > 0 ? round((b.statements - a.statements) / requests) : null;
  });
}

/**
 * The run over time for the reports, at most `points` samples (evenly picked): k6's p95 so far and
 * requests per second, the target's resident memory, and SQL statements per request between samples.
 */
export function timelineOf(samples: ServerSample[], points = 120): Timeline {
  const step = Math.max(1, Math.ceil(samples.length / points));
  const picked = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  return {
    t: picked.map((s) => round(s.t / 1000)),
    series: {
      'p95 so far (ms)': picked.map((s) => (s.client?.p95Ms === undefined ? null : round(s.client.p95Ms))),
      'requests/s': ratePerSecond(picked, (s) => s.client?.requests),
      'resident memory (MiB)': picked.map((s) => (s.rssBytes === undefined ? null : round(s.rssBytes / 1048576))),
      'SQL statements per request': statementsPerRequest(picked),
    },
  };
}
