import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { quantileSorted } from 'simple-statistics';

/**
 * Every request's duration from k6's CSV output (`--out csv=FILE.gz`): the per-request samples a
 * regression is tested on (issue #27: not one p95 against a median). Keyed like the summary's
 * figures: `http_req_duration` for every request, `http_req_duration{name:X}` per tagged endpoint.
 */
export type Durations = Record<string, number[]>;

/** How many points of a run's distribution the history keeps per key: evenly spaced quantiles. */
export const KEPT_POINTS = 200;

export async function readDurations(file: string): Promise<Durations> {
  const out: Durations = {};
  // pipe() does not pass errors on: a missing file or a torn gzip must reject this promise, never be an unhandled 'error'.
  const source = createReadStream(file);
  const gunzip = createGunzip();
  const parser = parse({ columns: true, relax_column_count: true });
  source.on('error', (error) => parser.destroy(error));
  gunzip.on('error', (error) => parser.destroy(error));
  source.pipe(gunzip).pipe(parser);
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    if (row.metric_name !== 'http_req_duration') continue;
    const value = Number(row.metric_value);
    if (!Number.isFinite(value)) continue;
    (out.http_req_duration ??= []).push(value);
    // Every name (k6 names an untagged request by its URL): what is kept is chosen by the summary's endpoints (compactAll).
    if (row.name) (out[`http_req_duration{name:${row.name}}`] ??= []).push(value);
  }
  return out;
}

/** A run's distribution in KEPT_POINTS evenly spaced quantiles (ms, to the microsecond): what the history keeps. */
export function compact(values: number[], points = KEPT_POINTS): number[] {
  if (values.length <= points) return [...values].sort((a, b) => a - b).map(round3);
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: points }, (_, i) => round3(quantileSorted(sorted, (i + 0.5) / points)));
}

/** The durations the history keeps: those of the keys the summary reports figures for (the run, its tagged endpoints), compacted. */
export function compactAll(durations: Durations, figures: Record<string, unknown>): Durations {
  const reported = new Set(Object.keys(figures).map(durationsKeyOf));
  return Object.fromEntries(Object.entries(durations).filter(([k]) => reported.has(k)).map(([k, v]) => [k, compact(v)]));
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The per-request durations a latency figure is measured on (`http_req_duration{name:x}.p(95)` → `http_req_duration{name:x}`). */
export function durationsKeyOf(figure: string): string | undefined {
  return /^(http_req_duration(?:\{[^}]+\})?)\.(?:med|avg|p\(\d+(?:\.\d+)?\))$/.exec(figure)?.[1];
}
