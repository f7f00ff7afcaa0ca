import { describe, expect, it } from 'vitest';
import type { RunResult } from '../results/types.ts';
import { renderHtml } from './html-reporter.ts';
import { renderMarkdown } from './markdown-reporter.ts';

/** A stage's tables (the volume profile's cost per size) reach summary.md and index.html as they are, escaped. */
const result: RunResult = {
  schemaVersion: 1,
  startedAt: '2026-12-06T00:00:00.000Z',
  durationMs: 1_000,
  environment: 'native',
  target: { name: 'demo', url: 'http://127.0.0.1:1' },
  passed: true,
  exitCode: 0,
  stages: [
    {
      name: 'load',
      status: 'passed',
      durationMs: 1_000,
      metrics: {},
      checks: [],
      tables: [{ title: 'Cost as the data grows', columns: ['', '1,000 rows (1×)', '100,000 rows (100×)'], rows: [['get-conversation p95 (ms)', '12', '31'], ['`select a | b <x>` mean (ms) / buffers per call', '0.1 / 20', '9.0 / 1,911']], note: 'p95 per endpoint.' }],
    },
  ],
  gates: [{ name: 'load.http_req_duration.p(95)<200', comparator: '<=', threshold: 200, actual: 31, passed: true }],
};

describe('stage tables in the reports', () => {
  it('summary.md: a Markdown table under its title, pipes escaped, with its note', () => {
    const md = renderMarkdown(result);
    expect(md).toContain(['### Cost as the data grows', '', '|  | 1,000 rows (1×) | 100,000 rows (100×) |', '| --- | --- | --- |', '| get-conversation p95 (ms) | 12 | 31 |', '| `select a \\| b <x>` mean (ms) / buffers per call | 0.1 / 20 | 9.0 / 1,911 |', '', 'p95 per endpoint.'].join('\n'));
  });

  it('index.html: an HTML table in the load section, every cell escaped', () => {
    const html = renderHtml(result);
    expect(html).toContain('<h3>Cost as the data grows</h3>');
    expect(html).toContain('<td>get-conversation p95 (ms)</td><td>12</td><td>31</td>');
    expect(html).toContain('`select a | b &lt;x&gt;` mean (ms) / buffers per call');
    expect(html).not.toContain('<x>');
  });
});
