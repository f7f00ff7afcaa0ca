import { errorFunction, median, wilcoxonRankSum } from 'simple-statistics';

/**
 * Whether the requests of this run are slower than the baseline runs' requests: the one-sided
 * Wilcoxon rank-sum (Mann-Whitney U) test on the per-request durations. simple-statistics gives the
 * rank sum; the p-value is its normal approximation with the tie correction (the samples here are
 * hundreds a side, where the approximation holds), written here because no kept library exports it.
 */
export function slowerThan(current: number[], baseline: number[]): { p: number; shiftMs: number } {
  const n1 = current.length;
  const n2 = baseline.length;
  if (n1 < 8 || n2 < 8) return { p: 1, shiftMs: 0 };
  const w = wilcoxonRankSum(current, baseline);
  const u = w - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const ties = tieTerm([...current, ...baseline]);
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (variance <= 0) return { p: 1, shiftMs: 0 };
  const z = (u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance); // with the continuity correction
  // P(Z > z) from the error function (its table-free form keeps small p-values: the table stops at 0.001).
  return { p: Math.max(0, 0.5 * (1 - errorFunction(z / Math.SQRT2))), shiftMs: median(current) - median(baseline) };
}

/** Σ(t³ − t) over the groups of tied values. */
function tieTerm(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let sum = 0;
  for (const t of counts.values()) if (t > 1) sum += t ** 3 - t;
  return sum;
}
