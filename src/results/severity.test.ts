import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../gates/evaluate.ts';
import { ConsoleReporter } from '../reporters/console-reporter.ts';
import { renderHtml } from '../reporters/html-reporter.ts';
import { renderMarkdown } from '../reporters/markdown-reporter.ts';
import { severityOf } from './severity.ts';
import type { CheckResult, RunResult, StageResult } from './types.ts';

const failed = (id: string, stage: string, message: string): CheckResult => ({ id, stage, title: id, status: 'failed', message });
const shape = failed('contract:GET /items:valid', 'contract', "body/detail must be object\nreproduce: curl -i 'http://x/items'\nresponse: 200 {}");
const undocumented = failed('contract:POST /items:valid', 'contract', 'status 200 is not documented for POST /items (documented: 201, 422)');
const serverError = failed('contract:GET /items:limit below minimum', 'contract', "answered 500: a server error\nbody must be object\nreproduce: curl -i 'http://x/items?limit=-1'");
const leak = failed('contract:GET /items:fuzz', 'contract', 'the error body exposes a stack trace\nminimal reproduction (after 3 runs and 1 shrinks): curl …');
const accepted = failed('contract:POST /items:missing required', 'contract', 'answered 201, expected a 4xx');
const authz = failed('security:authz:object:GET /items/{id}', 'security', "user B read user A's item: 200");

describe('severity of a failed check', () => {
  it('a response that only differs from the document is a deviation; anything that hurts is a bug', () => {
    expect([shape, undocumented].map(severityOf)).toEqual(['deviation', 'deviation']);
    expect([serverError, leak, accepted, authz].map(severityOf)).toEqual(['bug', 'bug', 'bug', 'bug']);
    expect(severityOf(failed('contract:persistence', 'contract', 'POST /items (id 1) changed or vanished across the restart'))).toBe('bug');
    expect(severityOf(failed('e2e:chat > step 3', 'e2e', 'expected 200, got 404'))).toBe('bug');
    // A reproduction line that happens to name a 500 does not make a deviation a bug: only the problems count.
    expect(severityOf(failed('contract:GET /x:valid', 'contract', "body must be object\nresponse: 500 a server error"))).toBe('deviation');
  });
});

describe('deviations in gates and reports', () => {
  const stage: StageResult = { name: 'contract', status: 'failed', durationMs: 1, checks: [shape, serverError, undocumented, authz], metrics: {} };
  const result: RunResult = { schemaVersion: 1, startedAt: '2026-12-02T00:00:00Z', durationMs: 1, environment: 'native', target: { name: 't', url: null }, stages: [stage], gates: [], passed: false, exitCode: 1 };

  it("fail the gate by default; with gates.deviations 'report' only bugs do, and the deviations are counted apart", () => {
    expect(evaluateGates([stage], { required: [] }).find((g) => g.name === 'contract.failedChecks')).toMatchObject({ actual: 4, passed: false });
    const report = evaluateGates([stage], { required: [], deviations: 'report' });
    expect(report.find((g) => g.name === 'contract.failedChecks')).toMatchObject({ actual: 2, passed: false });
    expect(report.find((g) => g.name === 'contract.deviations')).toMatchObject({ actual: 2, passed: true });
    const onlyDeviations = evaluateGates([{ ...stage, checks: [shape, undocumented] }], { required: [], deviations: 'report' });
    expect(onlyDeviations.every((g) => g.passed)).toBe(true);
  });

  it('summary.md, index.html and the console list bugs first, then deviations, each counted', () => {
    const md = renderMarkdown(result);
    expect(md.indexOf('## Bugs (2)')).toBeGreaterThan(0);
    expect(md.indexOf('## Deviations from the document (2)')).toBeGreaterThan(md.indexOf(`(\`${authz.id}\`)`));
    const html = renderHtml(result);
    expect(html).toContain('Failed checks: 2 bugs, 2 deviations from the document');
    expect(html).toMatch(/<table class="causes">.*<tr class="bug"><td>bug<\/td>.*<tr class="deviation">/s); // one row per cause, bugs first
    expect(html.indexOf(serverError.id)).toBeLessThan(html.indexOf(shape.id)); // a bug found later still comes first
    let out = '';
    new ConsoleReporter({ write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream).onRunEnd(result);
    out = stripVTControlCharacters(out); // colours are on where CI is set
    expect(out).toMatch(/Failed checks: 2 bugs, 2 deviations from the document\n {2}bug +contract:GET \/items:limit below minimum/);
    expect(out.indexOf(authz.id)).toBeLessThan(out.indexOf(undocumented.id));
  });
});
