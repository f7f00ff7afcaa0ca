import { describe, expect, it } from 'vitest';
import type { RunResult, StageResult } from '../results/types.ts';
import { loadFigures } from './load-figures.ts';
import { renderMarkdown } from './markdown-reporter.ts';

const load: StageResult = {
  name: 'load',
  status: 'failed',
  durationMs: 20_000,
  checks: [],
  metrics: { 'load.http_req_duration.p(95)': 48.123, 'load.http_req_failed.rate': 0.0005, 'load.server.statementsPerRequest': 6.43, 'load.server.memoryGrowthMb': 2.5 },
};

describe('load figures in the reports', () => {
  it('lists what was measured, in order, errors as a percentage, nothing invented', () => {
    expect(loadFigures([load])).toEqual([
      ['latency p95 (ms)', '48.12'],
      ['errors (%)', '0.05'],
      ['SQL statements per request', '6.43'],
      ['memory growth over the steady phase (MiB)', '2.5'],
    ]);
    expect(loadFigures([{ ...load, name: 'contract' }])).toEqual([]);
  });

  it('summary.md has a Load table when the load stage ran', () => {
    const result: RunResult = { schemaVersion: 1, startedAt: '2026-12-02T00:00:00Z', durationMs: 1, environment: 'native', target: { name: 't', url: null }, stages: [load], gates: [], passed: false, exitCode: 1 };
    expect(renderMarkdown(result)).toContain('## Load\n\n| figure | measured |\n| --- | --- |\n| latency p95 (ms) | 48.12 |\n| errors (%) | 0.05 |\n| SQL statements per request | 6.43 |');
  });
});
