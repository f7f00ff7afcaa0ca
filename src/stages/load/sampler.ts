import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { repeatEvery } from '../../wait/repeat-every.ts';

export interface Sample {
  /** Milliseconds since the sampler started. */
  t: number;
  /** The health endpoint's status code (0: no answer). */
  health: number;
  /** Sum of every series of each counter family at that moment. */
  counters: Record<string, number>;
}

/** The counter families of a Prometheus text exposition, each summed over its series. */
export function counterTotals(text: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const family of parsePrometheusTextFormat(text)) {
    if (family.type !== 'COUNTER') continue;
    totals[family.name] = family.metrics.reduce((sum, m) => sum + Number(m.value ?? 0), 0);
  }
  return totals;
}

/**
 * Samples the target's health and metrics endpoints at a fixed interval while load runs, so the
 * report shows whether the target stayed healthy and what its own counters did. Bounded: it stops
 * at `stop()` or after `maxSamples`.
 */
export function startSampler(options: { healthUrl: string; healthStatus: number; metricsUrl: string | undefined; intervalMs: number; maxSamples?: number }): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  const started = Date.now();
  const probe = async () => {
    const health = await fetch(options.healthUrl, { signal: AbortSignal.timeout(options.intervalMs * 2) })
      .then(async (r) => {
        await r.body?.cancel();
        return r.status;
      })
      .catch(() => 0);
    const counters = options.metricsUrl
      ? await fetch(options.metricsUrl, { signal: AbortSignal.timeout(options.intervalMs * 2) })
          .then((r) => r.text())
          .then(counterTotals)
          .catch(() => ({}))
      : {};
    samples.push({ t: Date.now() - started, health, counters });
  };
  const loop = repeatEvery(options.intervalMs, options.maxSamples ?? 3_600, probe);
  return {
    async stop() {
      await loop.stop();
      return samples;
    },
  };
}

/** What the samples say, for the history and the checks. */
export function summariseSamples(samples: Sample[], healthyStatus: number): { healthy: number; unhealthy: number; metricsDelta: Record<string, number> } {
  const first = samples[0]?.counters ?? {};
  const last = samples.at(-1)?.counters ?? {};
  const metricsDelta = Object.fromEntries(Object.keys(last).map((k) => [k, (last[k] ?? 0) - (first[k] ?? 0)]));
  return { healthy: samples.filter((s) => s.health === healthyStatus).length, unhealthy: samples.filter((s) => s.health !== healthyStatus).length, metricsDelta };
}
