import { gate } from '../../gates/compare.ts';
import type { CheckResult, GateResult } from '../../results/types.ts';
import { thresholdsOf, type K6Summary } from './summary.ts';

/** k6's exit code when a threshold is crossed. */
export const K6_THRESHOLDS_CROSSED = 99;

/**
 * The checks and gates of one k6 run: one per threshold (k6's own verdict), and one for the exit
 * code, which is authoritative: a run whose thresholds all say ok but that exited non-zero failed
 * (k6 has done that when the target was not listening yet at the start).
 */
export function verdict(summary: K6Summary, exitCode: number, stderrTail: string[] = []): { checks: CheckResult[]; gates: GateResult[] } {
  const thresholds = thresholdsOf(summary);
  const checks: CheckResult[] = thresholds.map((t) => ({
    id: `load:threshold:${t.metric}:${t.expression}`,
    stage: 'load',
    title: `${t.metric} ${t.expression}`,
    status: t.ok ? 'passed' : 'failed',
    ...(t.ok ? {} : { message: `k6 reports the threshold crossed${t.actual !== undefined ? `: ${t.aggregation} is ${round(t.actual)}` : ''} (must be ${t.expression})` }),
    ...(t.actual !== undefined ? { evidence: { actual: t.actual, limit: t.limit } } : {}),
  }));
  // Each threshold as a gate: k6's verdict is the pass/fail, the figures are shown beside it.
  const gates = thresholds.map((t) => {
    const comparator = t.operator === '<' || t.operator === '<=' ? '<=' : t.operator === '>' || t.operator === '>=' ? '>=' : '==';
    const g = gate(`load.${t.metric}.${t.expression}`, t.actual ?? (t.ok ? 1 : 0), comparator, t.limit ?? 1);
    return { ...g, passed: t.ok, ...(t.ok ? {} : { message: `k6 threshold ${t.metric} ${t.expression} crossed` }) };
  });
  const crossed = thresholds.filter((t) => !t.ok);
  let exit: CheckResult;
  if (exitCode === 0) exit = { id: 'load:k6-exit', stage: 'load', title: 'k6 exits 0', status: 'passed' };
  else if (exitCode === K6_THRESHOLDS_CROSSED && crossed.length > 0) {
    exit = { id: 'load:k6-exit', stage: 'load', title: 'k6 exits 0', status: 'failed', message: `k6 exited ${exitCode}: thresholds crossed (${crossed.map((t) => `${t.metric} ${t.expression}`).join(', ')})` };
  } else {
    exit = {
      id: 'load:k6-exit',
      stage: 'load',
      title: 'k6 exits 0',
      status: 'failed',
      message: `k6 exited ${exitCode}${exitCode === K6_THRESHOLDS_CROSSED ? ' (thresholds crossed) although every threshold in its summary says ok: the exit code is authoritative' : ''}${stderrTail.length ? `\n${stderrTail.join('\n')}` : ''}`,
    };
  }
  return { checks: [...checks, exit], gates };
}

export const round = (n: number) => Math.round(n * 100) / 100;
