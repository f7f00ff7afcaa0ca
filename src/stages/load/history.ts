import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { median } from 'simple-statistics';
import type { CheckResult } from '../../results/types.ts';
import type { Figures } from './summary.ts';
import { round } from './verdict.ts';

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

/**
 * The baseline is the median of the last `runs` comparable runs (same script and profile) that
 * passed; the current run is compared with it metric by metric.
 */
export function compareWithBaseline(current: Figures, history: HistoryEntry[], match: { script: string; profile: string }, metrics: TrackedMetric[], runs: number): CheckResult[] {
  const comparable = history.filter((h) => h.script === match.script && h.profile === match.profile && h.passed).slice(-runs);
  return metrics.map((m) => {
    const id = `load:regression:${m.key}`;
    const title = `${m.key} within ${m.tolerancePercent}% of the baseline (median of the last ${runs} passing ${match.profile} runs)`;
    const values = comparable.map((h) => h.figures[m.key]).filter((v): v is number => typeof v === 'number');
    const now = current[m.key];
    if (values.length === 0 || now === undefined) {
      const message = now === undefined ? `this run did not report ${m.key}` : comparable.length === 0 ? `no baseline yet: no earlier passing ${match.profile} run of this script in the history` : `the baseline runs did not report ${m.key}`;
      return { id, stage: 'load', title, status: 'skipped', message } satisfies CheckResult;
    }
    const baseline = median(values);
    const change = now - baseline;
    const percent = baseline === 0 ? (change === 0 ? 0 : Infinity) : (change / baseline) * 100;
    const regressed = (m.worse === 'higher' ? change : -change) > m.minimumChange && (m.worse === 'higher' ? percent : -percent) > m.tolerancePercent;
    const described = `${m.key} ${round(now)} vs baseline ${round(baseline)} (${percent === Infinity ? 'from 0' : `${percent >= 0 ? '+' : ''}${round(percent)}%`}, ${values.length} run${values.length === 1 ? '' : 's'})`;
    return {
      id,
      stage: 'load',
      title,
      status: regressed ? 'failed' : 'passed',
      message: regressed ? `regression: ${described}, beyond the ${m.tolerancePercent}% tolerance` : described,
      evidence: { current: now, baseline, percent: Number.isFinite(percent) ? round(percent) : null, runs: values.length },
    } satisfies CheckResult;
  });
}
