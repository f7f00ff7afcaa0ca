import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { median } from 'simple-statistics';
import type { CheckResult } from '../../results/types.ts';
import type { Figures } from './summary.ts';
import { round } from './verdict.ts';
import { compact, durationsKeyOf, type Durations } from './durations.ts';
import { slowerThan } from './rank-sum.ts';

/** One line of the history file (JSON lines): a run's key figures. */
export interface HistoryEntry {
  at: string;
  profile: string;
  script: string;
  target: string;
  commit?: string;
  passed: boolean;
  figures: Figures;
  /** What /health and /metrics showed while the load ran. */
  samples?: { healthy: number; unhealthy: number; metricsDelta?: Record<string, number> };
  /** Per-request durations, compacted to KEPT_POINTS quantiles per key (durations.ts): what a later run's rank-sum test compares with. */
  durations?: Durations;
  /** The rows the volume profile's largest size asked for (`--volume`): compared only with runs at the same size. */
  volumeRows?: number;
}

export async function readHistory(file: string): Promise<HistoryEntry[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as HistoryEntry];
      } catch {
        return []; // a torn last line (a run killed while writing) is skipped, not fatal
      }
    });
}

export async function appendHistory(file: string, entry: HistoryEntry): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(entry)}\n`);
}

export interface TrackedMetric {
  key: string;
  /** Which direction is worse. */
  worse: 'higher' | 'lower';
  /** A change beyond this many percent of the baseline is a regression. */
  tolerancePercent: number;
  /** Changes smaller than this (in the metric's unit) never count: 2 ms on a 3 ms median is noise. */
  minimumChange: number;
}

export interface BaselineRules {
  /** The baseline is the last this many comparable passing runs. */
  runs: number;
  /** Fewer comparable runs than this: inconclusive, with the figures. */
  minimumRuns: number;
}

/** The one-sided p-value below which the requests of a run are slower than the baseline's. */
export const SIGNIFICANCE = 0.01;

/**
 * A run compared with its baseline (issue #27, item 1): the last `runs` comparable runs (same script
 * and profile) that passed. A metric regresses only when all of these hold, so that a busy machine or
 * a short history never fails a gate on its own:
 * - the baseline holds at least `minimumRuns` runs (fewer: inconclusive, with the figures);
 * - the change from the baseline's median is beyond the tolerance and the minimum change;
 * - the value is worse than every baseline run's own (beyond what the runs already varied);
 * - for a latency, the run's requests are slower than the baseline runs' requests by the one-sided
 *   rank-sum test on the per-request durations (p < SIGNIFICANCE), when both sides kept them.
 * The load stage then runs the profile again: a regression the re-run does not confirm is
 * inconclusive (load-stage.ts, confirmRegressions).
 */
export function compareWithBaseline(current: Figures, history: HistoryEntry[], match: { script: string; profile: string; volumeRows?: number }, metrics: TrackedMetric[], rules: BaselineRules, durations?: Durations): CheckResult[] {
  const comparable = history.filter((h) => h.script === match.script && h.profile === match.profile && h.volumeRows === match.volumeRows && h.passed).slice(-rules.runs);
  return metrics.map((m) => {
    const id = `load:regression:${m.key}`;
    const title = `${m.key} within ${m.tolerancePercent}% of the baseline (the last ${rules.runs} passing ${match.profile} runs)`;
    const values = comparable.map((h) => h.figures[m.key]).filter((v): v is number => typeof v === 'number');
    const now = current[m.key];
    if (values.length === 0 || now === undefined) {
      const message = now === undefined ? `this run did not report ${m.key}` : comparable.length === 0 ? `no baseline yet: no earlier passing ${match.profile} run of this script in the history` : `the baseline runs did not report ${m.key}`;
      return { id, stage: 'load', title, status: 'skipped', message } satisfies CheckResult;
    }
    const baseline = median(values);
    const change = now - baseline;
    const percent = baseline === 0 ? (change === 0 ? 0 : Infinity) : (change / baseline) * 100;
    const worse = (a: number) => (m.worse === 'higher' ? a : -a);
    const described = `${m.key} ${round(now)} vs baseline ${round(baseline)} (${percent === Infinity ? 'from 0' : `${percent >= 0 ? '+' : ''}${round(percent)}%`}, ${values.length} run${values.length === 1 ? '' : 's'}, from ${round(Math.min(...values))} to ${round(Math.max(...values))})`;
    const evidence: Record<string, unknown> = { current: now, baseline, percent: Number.isFinite(percent) ? round(percent) : null, runs: values.length, range: [Math.min(...values), Math.max(...values)] };
    const beyondTolerance = worse(change) > m.minimumChange && worse(percent) > m.tolerancePercent;
    if (!beyondTolerance) return { id, stage: 'load', title, status: 'passed', message: described, evidence } satisfies CheckResult;
    if (values.length < rules.minimumRuns) {
      return { id, stage: 'load', title, status: 'skipped', message: `inconclusive: ${described}: beyond the ${m.tolerancePercent}% tolerance, but a baseline of ${values.length} run${values.length === 1 ? '' : 's'} cannot tell a regression from a busy machine (history.minimumRuns: ${rules.minimumRuns})`, evidence } satisfies CheckResult;
    }
    if (worse(now) <= Math.max(...values.map(worse))) {
      return { id, stage: 'load', title, status: 'passed', message: `${described}: beyond the tolerance of the median, within what the baseline runs themselves measured`, evidence } satisfies CheckResult;
    }
    const test = latencyTest(m.key, durations, comparable);
    if (test) {
      evidence.rankSum = test;
      if (test.p >= SIGNIFICANCE) return { id, stage: 'load', title, status: 'passed', message: `${described}: but the requests are not slower than the baseline runs' by the rank-sum test (p = ${round(test.p)}, ${test.requests} requests against ${test.baselineRequests})`, evidence } satisfies CheckResult;
    }
    const tested = test ? `; the requests are slower than the baseline runs' (rank-sum p = ${test.p < 0.0001 ? '< 0.0001' : round(test.p)}, median +${round(test.shiftMs)} ms)` : '';
    return { id, stage: 'load', title, status: 'failed', message: `regression: ${described}, beyond the ${m.tolerancePercent}% tolerance and every baseline run${tested}`, evidence } satisfies CheckResult;
  });
}


function latencyTest(figure: string, durations: Durations | undefined, baselineRuns: HistoryEntry[]): { p: number; shiftMs: number; requests: number; baselineRequests: number } | undefined {
  const key = durationsKeyOf(figure);
  const current = key ? durations?.[key] : undefined;
  const kept = baselineRuns.map((h) => (key ? h.durations?.[key] : undefined)).filter((d): d is number[] => Array.isArray(d) && d.length > 0);
  // Only when every baseline run kept its durations: a test against some of them would weigh those more.
  if (!key || !current || kept.length === 0 || kept.length < baselineRuns.length) return undefined;
  const pooled = kept.flat();
  // The run is compacted like the baseline runs it is compared with: the same number of points a run.
  const { p, shiftMs } = slowerThan(compact(current), pooled);
  return { p, shiftMs, requests: current.length, baselineRequests: pooled.length };
}
