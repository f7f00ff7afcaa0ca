import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

async function contract(cwd: string, args: string[] = []) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-contract-'));
  const r = await runCli(['run', '--stages', 'contract', '--no-coverage', '--reports', reports, ...args], { cwd, timeoutMs: 180_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const stage = result.stages[0];
  return { ...r, result, stage, failed: stage?.checks.filter((c) => c.status === 'failed') ?? [] };
}

describe('contract stage on the clean companion-api', () => {
  it('exercises 100 % of the operations, passes every check, and meets the API coverage gate', async () => {
    const r = await contract(ROOT);
    expect(r.failed).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stage?.metrics['apiCoverage.operations']).toBe(100);
    expect(r.stage?.metrics.operations).toBeGreaterThanOrEqual(20);
    expect(r.result.gates.find((g) => g.name === 'apiCoverage.operations')).toMatchObject({ actual: 100, threshold: 100, passed: true });
    const ids = r.stage?.checks.map((c) => c.id) ?? [];
    expect(ids).toContain('contract:document');
    expect(ids).toContain('contract:POST /conversations/{id}/messages:malformed JSON');
    expect(ids).toContain('contract:GET /conversations:fuzz');
    expect(ids).toContain('contract:POST /conversations/{id}/messages:upstream-outage');
    // the breaker opens: calls per request fall to 0 within 10 failed requests
    expect(r.stage?.checks.find((c) => c.id === 'contract:upstream:llm:calls')).toMatchObject({ status: 'passed', message: expect.stringMatching(/^calls per request, in order: [1-4](, [1-4])*(, 0)+$/) });
    // the hand-written contracts in contracts/ ran as part of the stage, against the same target
    expect(r.stage?.checks.filter((c) => c.id.startsWith('contract:contracts/companion-api.contract.test.ts')).map((c) => c.status)).toEqual(['passed', 'passed']);
    expect(r.stage?.checks.find((c) => c.id === 'contract:persistence')).toMatchObject({ status: 'passed', message: expect.stringMatching(/^\d+ resources read back unchanged after the restart$/) });
  }, 180_000);
});

/**
 * Each flaw fails the stage with a check that names the operation and carries a curl reproduction.
 * Flaws that touch different operations run together (two runs instead of eleven): each one's
 * check must still fail with its own message, so none hides another.
 */
const FLAW_CHECKS: Record<string, [string, RegExp]> = {
  'malformed-input-500': ['contract:POST /auth/login:malformed JSON', /answered 500: a server error/],
  'stack-trace-leak': ['contract:POST /auth/login:missing required field email', /the error body exposes a stack trace/],
  'upstream-failure-500': ['contract:POST /conversations/{id}/messages:upstream-outage', /answered 500: a server error/],
  'sql-injection': ['contract:GET /conversations:fuzz', /answered 500: a server error/],
  'user-enumeration': ['contract:POST /auth/login:fuzz', /status 404 is not documented for POST \/auth\/login/],
  // boundary and hostile values (_hostile.ts), whether or not the document sets the bound
  'unvalidated-path-id-500': ['contract:GET /conversations/{id}:boundaries', /answered 500: a server error, for path\.id = /],
  'long-title-500': ['contract:POST /goals:boundaries', /answered 500: a server error, for body\.title = 256 characters\nthe same for: 4096 characters, 65536 characters/],
  'null-task-count-500': ['contract:POST /goals:boundaries', /answered 500: a server error, for body\.options\.taskCount = null/],
  // queries per request without load: pg_stat_statements before and after 6 more conversations
  'n-plus-one-list': ['contract:GET /conversations:queries-per-item', /ran \d+ statements for \d+ items, \d+ for \d+: 2\.0 more statements per item listed, a query per item \(an N\+1\)/],
  // 8 identical requests at once: the goal's counter moves by more than the 1 that requests in a row give
  'completion-counted-twice': ['contract:POST /goals/{id}/tasks/{taskId}/complete:race', /GET \/goals\/\{id\}\.tasksDone changed by [2-8]; 8 requests in a row change it by 1 \(the action is idempotent/],
  // the write that broke the list is named, before the read
  // what the writes did, as the API's own reads show it (issue #26)
  'conversation-title-cut': ['contract:POST /conversations:read-your-writes', /"title" was sent with 16 characters and reads back with 12: the text was cut short\nreproduce: curl[^]*\nthen: curl -i -X GET '[^']*\/conversations\/[0-9a-f-]{36}'/],
  'search-term-ignored': ['contract:GET /conversations:filter:q', /the search q="\w+" \(a word of one item, absent from others\) answered the whole list, \d+ items, \d+ of them without the word: the search was ignored/],
  'me-exposes-password-hash': ['contract:GET /me:exposure', /the answer exposes a password hash \(scrypt: scrypt\$[0-9a-f]{5}…\(\d+ characters\)\)/],
  'deleted-conversation-cached': ['contract:DELETE /conversations/{id}:deleted', /GET \/conversations\/\{id\} still serves it \(200\) after DELETE \/conversations\/[0-9a-f-]{36} answered 204/],
  'completion-counted-again': ['contract:POST /goals/{id}/tasks/{taskId}/complete:counter', /^after the same POST sent again \(200\): tasksDone is 2, but tasks has 1 done\nreproduce: curl -i -X POST '[^']*\/complete'/],
  'llm-retry-storm': ['contract:upstream:llm:calls', /^a retry storm: one POST \/goals caused 9 calls to llm \(at most 4: a call and its retries\)[^]*\nno breaker: after 10 client requests failed in a row, each still caused 9 calls to llm/],
  'form-body-unvalidated': ['contract:POST /conversations:content-type', /^without "title", sent as a form, it answered 500: a server error \(as JSON: 400\)/],
  'list-poisoned-by-write': ['contract:GET /goals:state-poisoning', /right after this write[^]*1\. the write: curl -i -X POST '[^']*\/goals'[^]*answered 201[^]*2\. the read: curl -i -X GET '[^']*\/goals'[^]*answered 500[^]*\nwhat it broke \(not judged, each skipped with this reason\): contract:GET \/goals:upstream-outage$/],
};

describe.each([
  ['malformed-input-500', 'upstream-failure-500', 'user-enumeration', 'unvalidated-path-id-500', 'long-title-500', 'n-plus-one-list', 'completion-counted-twice', 'conversation-title-cut'],
  ['stack-trace-leak', 'sql-injection', 'null-task-count-500', 'list-poisoned-by-write'],
  // the conversation list's own flaw apart: n-plus-one-list and sql-injection replace the same query
  ['search-term-ignored', 'me-exposes-password-hash', 'deleted-conversation-cached', 'completion-counted-again', 'llm-retry-storm', 'form-body-unvalidated'],
])('contract stage with the flaws %s, %s …', (...flaws: string[]) => {
  it(`fails each flaw's check, with a reproduction: ${flaws.map((f) => FLAW_CHECKS[f]?.[0]).join('; ')}`, async () => {
    const r = await contract(ROOT, ['--flaw', flaws.join(',')]);
    expect(r.code).toBe(1);
    for (const flaw of flaws) {
      const [checkId, problem] = FLAW_CHECKS[flaw] as [string, RegExp];
      // The check itself, or a distinct failure of it (:fuzz:2, :boundaries:2) when another flaw failed it first.
      const candidates = r.failed.filter((c: CheckResult) => c.id === checkId || c.id.startsWith(`${checkId}:`));
      const check = candidates.find((c) => problem.test(c.message ?? ''));
      expect(check, `${flaw}: ${checkId} with ${problem} among the failed checks: ${r.failed.map((c) => c.id).join(', ')}\n${candidates.map((c) => c.message).join('\n---\n')}`).toBeDefined();
      expect(check?.message).toMatch(/(reproduce|minimal reproduction .*|1\. the write|reproduce: send 8 of these at once|reproduce \(while \w+ answers 500\)): curl -i -X (GET|POST|DELETE) 'http:\/\/127\.0\.0\.1:\d+\//);
    }
  }, 300_000);
});

describe('contract stage on a target that disagrees with its document', () => {
  it('reports the undocumented status and the missing required field precisely', async () => {
    const r = await contract(path.join(ROOT, 'test/fixtures/drift'));
    expect(r.code).toBe(1);
    const byId = new Map(r.failed.map((c) => [c.id, c.message ?? '']));
    expect(byId.get('contract:POST /items:valid')).toMatch(/^status 418 is not documented for POST \/items \(documented: 201, 400\)\nreproduce: curl -i -X POST '.*\/items' -H 'content-type: application\/json' --data-raw '\{"name":"widget"\}'/);
    expect(byId.get('contract:GET /items/{id}:valid')).toMatch(/^body must have required property 'name'\n/);
    expect(r.stage?.checks.find((c) => c.id === 'contract:GET /items:valid')?.status).toBe('passed');
  }, 180_000);
});
