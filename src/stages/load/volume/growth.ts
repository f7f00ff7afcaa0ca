import { linearRegression, quantile } from 'simple-statistics';
import type { CheckResult } from '../../../results/types.ts';
import type { StatementStats } from '../../../server-stats/postgres-stats.ts';
import { slowerThan } from '../rank-sum.ts';
import { fmt, ms, short, signed } from './format.ts';

/** What one size measured: the rows, each tagged endpoint's p95 and the statements the run executed. */
export interface SizeMeasurement {
  /** The multiple of the base. */
  size: number;
  rows: number;
  /** p95 and median in ms by k6 tag name. */
  endpoints: Record<string, number>;
  medians: Record<string, number>;
  /** Every request's duration by k6 tag name, when k6 wrote them. */
  durations?: Record<string, number[]>;
  statements: StatementStats[];
}

export interface GrowthRules {
  statementGrowthExponent: number;
  minimumGrowthMs: number;
  /** Why pg_stat_statements could not be read, when it could not: no statement can then be named. */
  statementsMissing?: string;
}

/** A statement whose reads per call grew with the data. */
export interface GrownStatement {
  query: string;
  /** Buffers per call at the smallest and the largest size. */
  blocksFirst: number;
  blocksLast: number;
  meanMsFirst: number;
  meanMsLast: number;
  exponent: number;
}

/**
 * The exponent e of cost ∝ rows^e, fitted by least squares on the logarithms (0: constant, 1:
 * linear). Costs are floored at 0.01 so a zero (a statement that read nothing) stays finite.
 */
export function growthExponent(points: [rows: number, cost: number][]): number {
  const usable = points.filter(([rows]) => rows > 0);
  if (usable.length < 2) return 0;
  return linearRegression(usable.map(([rows, cost]) => [Math.log(rows), Math.log(Math.max(cost, 0.01))])).m;
}

/**
 * Statements that read more per call as the data grew: buffers per call (a count of pages, which no
 * slow machine changes) growing with the rows at `exponent` or more (1: linear, a scan) and to at
 * least four times the smallest size's. Seen at two sizes or more; the most grown first.
 */
export function grownStatements(sizes: SizeMeasurement[], minExponent = 0.5): GrownStatement[] {
  const first = sizes[0];
  const last = sizes.at(-1);
  if (!first || !last || first === last) return [];
  const out: GrownStatement[] = [];
  for (const statement of last.statements) {
    if (statement.calls === 0) continue;
    const points = sizes.flatMap((s) => {
      const found = s.statements.find((x) => x.id === statement.id && x.calls > 0);
      return found ? [{ rows: s.rows, found }] : [];
    });
    const start = points[0];
    if (!start || points.length < 2 || start.rows === last.rows) continue;
    const perCall = (s: StatementStats) => s.blocks / s.calls;
    const exponent = growthExponent(points.map((p) => [p.rows, perCall(p.found)]));
    const blocksFirst = perCall(start.found);
    const blocksLast = perCall(statement);
    if (exponent >= minExponent && blocksLast >= 4 * Math.max(blocksFirst, 1)) {
      out.push({ query: statement.query, blocksFirst, blocksLast, meanMsFirst: start.found.meanMs, meanMsLast: statement.meanMs, exponent });
    }
  }
  return out.sort((a, b) => b.blocksLast / Math.max(b.blocksFirst, 1) - a.blocksLast / Math.max(a.blocksFirst, 1));
}

export function describeStatement(s: GrownStatement, rowsFirst: number, rowsLast: number): string {
  return `\`${short(s.query)}\`: ${ms(s.meanMsLast)} ms mean and ${fmt(s.blocksLast)} buffers read per call at ${fmt(rowsLast)} rows (${ms(s.meanMsFirst)} ms and ${fmt(s.blocksFirst)} at ${fmt(rowsFirst)}; exponent ${s.exponent.toFixed(2)})`;
}

/**
 * `load:scaling:<endpoint>`, one per endpoint tagged at every size. It fails when the endpoint got
 * slower as the data grew (its requests at the largest size against the smallest: the median up by
 * minimumGrowthMs and a one-sided rank-sum test at p < 0.01, or the fastest quarter up by
 * minimumGrowthMs and the test at p < 0.05, which holds on a busy runner) while a statement read more
 * per call (named). With an index, a lookup costs the same at 100× the rows; a scan does not. A
 * slowdown without any statement reading more is inconclusive: a busy machine can do that, a missing
 * index cannot hide from the buffer counts.
 */
export function scalingChecks(sizes: SizeMeasurement[], rules: GrowthRules): CheckResult[] {
  const first = sizes[0];
  const last = sizes.at(-1);
  if (!first || !last || sizes.length < 2) return [];
  const grown = grownStatements(sizes, rules.statementGrowthExponent);
  const endpoints = Object.keys(last.endpoints).sort();
  return endpoints.map((endpoint) => {
    const id = `load:scaling:${endpoint}`;
    const title = `${endpoint} keeps its cost as the data grows from ${fmt(first.rows)} to ${fmt(last.rows)} rows`;
    const missing = sizes.filter((s) => s.endpoints[endpoint] === undefined || s.medians[endpoint] === undefined);
    if (missing.length) return { id, stage: 'load', title, status: 'skipped', message: `not measured at ${missing.map((s) => `${fmt(s.rows)} rows`).join(', ')}: k6 reported no figures for it there` } satisfies CheckResult;
    const p95 = (s: SizeMeasurement) => s.endpoints[endpoint] as number;
    const med = (s: SizeMeasurement) => s.medians[endpoint] as number;
    const exponent = growthExponent(sizes.map((s) => [s.rows, p95(s)]));
    const shift = med(last) - med(first);
    const before = first.durations?.[endpoint];
    const after = last.durations?.[endpoint];
    const test = before && after ? slowerThan(after, before) : undefined;
    // The fastest quarter: a busy machine adds waiting to requests, never takes their own cost away, so
    // the floor of the distribution shows a cost the data added even when the busy middle hides it.
    const floorShift = before && after && before.length >= 8 && after.length >= 8 ? quantile(after, 0.25) - quantile(before, 0.25) : undefined;
    const growth = `p95 ×${(p95(last) / Math.max(p95(first), 0.001)).toFixed(1)} from ${fmt(first.rows)} to ${fmt(last.rows)} rows (${sizes.map((s) => `${ms(p95(s))} ms at ${fmt(s.rows)}`).join(', ')}; exponent ${exponent.toFixed(2)}), median ${signed(shift)} ms${floorShift === undefined ? '' : `, fastest quarter ${signed(floorShift)} ms`}${test ? ` (rank-sum p = ${test.p < 0.0001 ? test.p.toExponential(1) : test.p.toFixed(4)})` : ' (no per-request durations: judged on the medians)'}`;
    const evidence = { exponent, p95: Object.fromEntries(sizes.map((s) => [s.rows, p95(s)])), median: Object.fromEntries(sizes.map((s) => [s.rows, med(s)])), ...(floorShift === undefined ? {} : { floorShift }), ...(test ? { p: test.p } : {}), statements: grown.slice(0, 3) };
    // Slower: the median or the fastest quarter up by minimumGrowthMs, and the requests slower by a
    // one-sided rank-sum test (p < 0.01 on the median's word alone, p < 0.05 with the floor agreeing).
    const slower = test
      ? (shift >= rules.minimumGrowthMs && test.p < 0.01) || ((floorShift ?? 0) >= rules.minimumGrowthMs && shift > 0 && test.p < 0.05)
      : shift >= rules.minimumGrowthMs && med(last) >= 1.5 * med(first);
    if (!slower) return { id, stage: 'load', title, status: 'passed', message: growth, evidence } satisfies CheckResult;
    if (rules.statementsMissing) return { id, stage: 'load', title, status: 'skipped', message: `inconclusive: ${growth}, and the statements could not be read to tell why (${rules.statementsMissing})`, evidence } satisfies CheckResult;
    if (grown.length === 0) {
      return { id, stage: 'load', title, status: 'skipped', message: `inconclusive: ${growth}, but no statement read more per call as the data grew, so the machine may have been busy (or the cost is outside the database): run the volume profile again`, evidence } satisfies CheckResult;
    }
    // pg_stat_statements cannot say which endpoint ran a statement: the one whose added time is closest to the endpoint's comes first.
    const likeliest = [...grown].sort((a, b) => Math.abs(a.meanMsLast - a.meanMsFirst - shift) - Math.abs(b.meanMsLast - b.meanMsFirst - shift));
    const named = likeliest.slice(0, 2).map((s) => describeStatement(s, first.rows, last.rows));
    return { id, stage: 'load', title, status: 'failed', message: `${growth}; the statement${named.length > 1 ? 's' : ''} reading more per call as the data grew (the one whose added time matches first): ${named.join('; ')}`, evidence } satisfies CheckResult;
  });
}
