import { describe, expect, it } from 'vitest';
import type { StatementStats } from '../../../server-stats/postgres-stats.ts';
import { growthExponent, grownStatements, scalingChecks, type SizeMeasurement } from './growth.ts';

const statement = (id: string, query: string, calls: number, blocks: number, meanMs: number): StatementStats => ({ id, query, calls, blocks, meanMs, maxMs: meanMs * 2, totalMs: meanMs * calls, rows: calls });
/** `n` durations around `median` ms, the same spread at every size (deterministic). */
const around = (median: number, n = 40) => Array.from({ length: n }, (_, i) => median + ((i * 7) % 11) - 5);

/** Three sizes; `scan` makes the lookup read every row (a missing index), else it stays at 4 buffers a call. */
function sizes(scan: boolean, endpointShiftMs: number): SizeMeasurement[] {
  return [1_000, 10_000, 100_000].map((rows, i) => {
    const median = 10 + (endpointShiftMs * i) / 2;
    const lookupBlocks = scan ? rows / 50 : 4;
    return {
      size: rows / 1_000,
      rows,
      endpoints: { 'get-conversation': median + 6, progress: 12 },
      medians: { 'get-conversation': median, progress: 8 },
      durations: { 'get-conversation': around(median), progress: around(8) },
      statements: [
        statement('1:1', 'select * from messages where conversation_id = $1 order by created_at desc limit $2', 30, lookupBlocks * 30, scan ? rows / 10_000 : 0.05),
        statement('1:2', 'select count(*) from goals where user_id = $1', 30, 90, 0.1),
      ],
    };
  });
}

const rules = { statementGrowthExponent: 0.5, minimumGrowthMs: 5 };

describe('growth as the data grows', () => {
  it('fits the exponent of cost against rows: 1 for linear, 0 for constant, 0.5 for a square root', () => {
    expect(growthExponent([[1_000, 1], [10_000, 10], [100_000, 100]])).toBeCloseTo(1, 5);
    expect(growthExponent([[1_000, 3], [10_000, 3], [100_000, 3]])).toBeCloseTo(0, 5);
    expect(growthExponent([[100, 1], [10_000, 10]])).toBeCloseTo(0.5, 5);
    expect(growthExponent([[1_000, 0], [10_000, 0]])).toBe(0); // floored: a statement that read nothing stays finite
  });

  it('names the statements whose buffers per call grew with the rows, not those that stayed', () => {
    const grown = grownStatements(sizes(true, 10));
    expect(grown.map((g) => g.query)).toEqual(['select * from messages where conversation_id = $1 order by created_at desc limit $2']);
    expect(grown[0]).toMatchObject({ blocksFirst: 20, blocksLast: 2_000 });
    expect(grown[0]?.exponent).toBeCloseTo(1, 5);
    expect(grownStatements(sizes(false, 10))).toEqual([]);
    expect(grownStatements(sizes(true, 10), 1.5)).toEqual([]); // a stricter exponent
  });

  it('fails an endpoint that got slower while a statement read more per call, naming the statement and the growth', () => {
    const checks = scalingChecks(sizes(true, 10), rules);
    const failed = checks.find((c) => c.id === 'load:scaling:get-conversation');
    expect(failed).toMatchObject({ status: 'failed', title: 'get-conversation keeps its cost as the data grows from 1,000 to 100,000 rows' });
    expect(failed?.message).toMatch(/^p95 ×1\.6 from 1,000 to 100,000 rows \(16 ms at 1,000, 21 ms at 10,000, 26 ms at 100,000; exponent 0\.\d\d\), median \+10 ms, fastest quarter \+10 ms \(rank-sum p = .+\); the statement reading more per call/);
    expect(failed?.message).toContain('`select * from messages where conversation_id = $1 order by created_at desc limit $2`: 10 ms mean and 2,000 buffers read per call at 100,000 rows (0.1 ms and 20 at 1,000; exponent 1.00)');
    expect(checks.find((c) => c.id === 'load:scaling:progress')).toMatchObject({ status: 'passed' });
  });

  it('passes the same slowdown-free endpoint with the index, and calls a slowdown without any statement reading more inconclusive', () => {
    expect(scalingChecks(sizes(false, 0), rules).every((c) => c.status === 'passed')).toBe(true);
    const busy = scalingChecks(sizes(false, 10), rules).find((c) => c.id === 'load:scaling:get-conversation');
    expect(busy).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^inconclusive: .*but no statement read more per call as the data grew, so the machine may have been busy/) });
  });

  it('without pg_stat_statements a slowdown is inconclusive, saying why no statement can be named', () => {
    const check = scalingChecks(sizes(true, 10).map((s) => ({ ...s, statements: [] })), { ...rules, statementsMissing: 'pg_stat_statements is not loaded in this Postgres' }).find((c) => c.id === 'load:scaling:get-conversation');
    expect(check).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^inconclusive: .*, and the statements could not be read to tell why \(pg_stat_statements is not loaded in this Postgres\)$/) });
  });

  it('a slowdown below minimumGrowthMs, or one the rank-sum test does not confirm, passes', () => {
    expect(scalingChecks(sizes(true, 3), rules).find((c) => c.id === 'load:scaling:get-conversation')?.status).toBe('passed');
    const noisy = sizes(true, 10).map((s, i) => ({ ...s, durations: { 'get-conversation': i === 2 ? [...around(10, 38), 500, 500] : around(10) } }));
    expect(scalingChecks(noisy, rules).find((c) => c.id === 'load:scaling:get-conversation')?.status).toBe('passed');
  });

  it('on a busy runner the floor tells: the fastest quarter up by the statement\'s cost fails it although the busy middle moved less', () => {
    // Measured in CI with the missing index: the smallest size's run shared the two cores with other tests.
    const busy = [5.9, 6.1, 7.0, 8.2, 9.8, 10.5, 12.0, 14.0, 17.5, 19.0, 20.7, 21.5, 22.0, 23.0, 24.5, 26.0, 28.0, 31.0, 35.0, 40.0, 46.0, 52.0, 60.0, 70.0, 83.0, 95.0, 130.0];
    const scanned = [18.2, 18.9, 19.3, 19.6, 19.8, 20.5, 21.0, 22.0, 23.5, 25.0, 26.6, 27.0, 28.5, 30.0, 32.0, 34.0, 36.0, 38.0, 41.0, 45.0, 50.0, 55.0, 62.0, 70.0, 80.0, 95.0, 120.0, 140.0];
    const measured = sizes(true, 6).map((s, i) => ({ ...s, durations: { 'get-conversation': i === 0 ? busy : scanned, progress: around(8) } }));
    const check = scalingChecks(measured, rules).find((c) => c.id === 'load:scaling:get-conversation');
    expect(check?.status, check?.message).toBe('failed');
    expect(check?.message).toMatch(/median \+6\.0 ms, fastest quarter \+8\.8 ms \(rank-sum p = 0\.04\d*\)/);
    // With a bar of 10 ms neither the median (+6) nor the floor (+8.8) moved enough.
    expect(scalingChecks(measured, { ...rules, minimumGrowthMs: 10 }).find((c) => c.id === 'load:scaling:get-conversation')?.status).toBe('passed');
    // The same spread at both sizes: neither the floor nor the middle moved, however busy.
    const same = sizes(true, 6).map((s) => ({ ...s, durations: { 'get-conversation': busy, progress: around(8) } }));
    expect(scalingChecks(same, rules).find((c) => c.id === 'load:scaling:get-conversation')?.status).toBe('passed');
  });

  it('judges on the medians when k6 wrote no per-request durations, and skips an endpoint missing at a size', () => {
    const without = sizes(true, 10).map(({ durations: _, ...s }) => s);
    const check = scalingChecks(without, rules).find((c) => c.id === 'load:scaling:get-conversation');
    expect(check).toMatchObject({ status: 'failed', message: expect.stringContaining('(no per-request durations: judged on the medians)') });
    const gap = sizes(true, 10).map((s, i) => (i === 1 ? { ...s, endpoints: { progress: 12 }, medians: { progress: 8 } } : s));
    expect(scalingChecks(gap, rules).find((c) => c.id === 'load:scaling:get-conversation')).toMatchObject({ status: 'skipped', message: 'not measured at 10,000 rows: k6 reported no figures for it there' });
    expect(scalingChecks(sizes(true, 10).slice(0, 1), rules)).toEqual([]);
  });
});
