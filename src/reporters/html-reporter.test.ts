import { describe, expect, it } from 'vitest';
import type { RunResult } from '../results/types.ts';
import { renderHtml } from './html-reporter.ts';

const result: RunResult = {
  schemaVersion: 1,
  startedAt: '2026-11-23T00:00:00.000Z',
  durationMs: 12_345,
  environment: 'native',
  target: { name: 'demo <api>', url: 'http://127.0.0.1:1' },
  passed: false,
  exitCode: 1,
  stages: [
    {
      name: 'unit',
      status: 'passed',
      durationMs: 1_000,
      metrics: {},
      checks: [{ id: 'unit:coverage', stage: 'unit', title: 'code coverage (lcov): 75% of lines', status: 'passed', evidence: { files: [{ file: 'src/a.ts', lines: { covered: 3, total: 4 }, branches: { covered: 0, total: 0 }, functions: { covered: 1, total: 1 } }] } }],
    },
    {
      name: 'contract',
      status: 'failed',
      durationMs: 2_000,
      metrics: {},
      checks: [
        { id: 'contract:coverage', stage: 'contract', title: 'API coverage: 50% of operations', status: 'passed', evidence: { operations: [{ operation: 'GET /things', exercised: true, observed: ['200'], documented: ['200', '404'] }, { operation: 'DELETE /things/{id}', exercised: false, observed: [], documented: ['204'] }] } },
        { id: 'contract:GET /things', stage: 'contract', title: 'GET /things <b>bold</b>', status: 'failed', message: "answered 500\nreproduce: curl -i 'http://127.0.0.1:1/things'", evidence: { request: "curl -i 'http://127.0.0.1:1/things'" } },
      ],
    },
    { name: 'load', status: 'passed', durationMs: 3_000, metrics: {}, checks: [] },
  ],
  gates: [
    { name: 'contract.failedChecks', comparator: '<=', threshold: 0, actual: 1, passed: false },
    { name: 'load.http_req_duration.p(95)<200', comparator: '<=', threshold: 200, actual: 150, passed: true },
  ],
};

describe('renderHtml', () => {
  const html = renderHtml(result);

  it('escapes what targets and checks wrote', () => {
    expect(html).toContain('demo &lt;api&gt;');
    expect(html).toContain('GET /things &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toContain('<b>bold</b>');
  });

  it('lists failed checks with the reproduction, coverage per file, API coverage per operation and a load chart', () => {
    expect(html).toContain("<pre class=\"repro\">curl -i 'http://127.0.0.1:1/things'</pre>");
    expect(html.split("curl -i 'http://127.0.0.1:1/things'")).toHaveLength(2); // the reproduction once, not again in the message
    expect(html).toMatch(/<td>src\/a\.ts<\/td><td><span class="meter"><span style="width:75\.0%" class="bad">/);
    expect(html).toMatch(/<code>DELETE \/things\/\{id\}<\/code><\/td><td><span class="badge bad">failed<\/span>/);
    expect(html).toMatch(/<svg role="img" aria-label="load thresholds"[^>]*><g[^>]*><text[^>]*>http_req_duration\.p\(95\)&lt;200<\/text><rect[^>]*class="ok"/);
    expect(html).toContain('Failed: exit 1');
  });
});
