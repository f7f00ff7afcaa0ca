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

describe('the load timeline in index.html', () => {
  it('draws one line per series with its range, and breaks it where a value is missing', async () => {
    const { sparklines } = await import('./sparkline.ts');
    const svg = sparklines({ t: [0, 1, 2, 3], series: { 'resident memory (MiB)': [100, 110, null, 130], 'requests/s': [null, null, null, 5] } });
    expect(svg.match(/<figure/g)).toHaveLength(1); // a series with one value has no line
    expect(svg).toContain('resident memory (MiB): 100 to 130 over 3.0 s');
    expect(svg.match(/<polyline/g)).toHaveLength(1); // 100 → 110, then a gap; 130 alone draws nothing
    expect(svg).toContain('points="0.0,44.0 100.0,30.7"');
  });

  it('renders the timeline under the load section', async () => {
    const { renderHtml } = await import('./html-reporter.ts');
    const result: RunResult = { schemaVersion: 1, startedAt: '2026-12-02T00:00:00Z', durationMs: 1, environment: 'native', target: { name: 't', url: null }, stages: [{ ...load, timeline: { t: [0, 1], series: { 'p95 so far (ms)': [10, 12] } } }], gates: [], passed: false, exitCode: 1 };
    expect(renderHtml(result)).toMatch(/<h3>Over the run<\/h3><figure class="spark"><svg role="img" aria-label="p95 so far \(ms\) over the run"/);
  });
});
