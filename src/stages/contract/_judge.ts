import { curl, isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { deservedByMadeUp, describeInvented, type Invented } from '../../openapi/resources.ts';
import { leakedInternals, type ResponseValidator } from '../../openapi/validate.ts';
import { replayable } from '../../reproduce/reproduce.ts';
import type { CheckResult } from '../../results/types.ts';

/**
 * How the contract stage turns an answer into a check: judged against the document (`judge`), left
 * unjudged when it met a made-up path value (`onInvented`), one finding per distinct failure
 * (`distinctFailures`). Each failed server error is registered to be sent again before the report.
 */

/** One response judged: never 5xx, documented, schema-valid, no internals; 4xx when an invalid request was sent. */
export function judge(id: string, title: string, op: Operation, request: HttpRequest, response: HttpResponse, validator: ResponseValidator, options: { expect4xx: boolean; allow503?: boolean; replay?: false }): CheckResult {
  const problems: string[] = [];
  if (response.status === 0) return { id, stage: 'contract', title, status: 'skipped', message: `no answer within the timeout: see its :hang check\nreproduce: ${curl(request)}` };
  if (options.allow503 ? isServerError(response) : response.status >= 500) problems.push(`answered ${response.status}: a server error`);
  else if (options.expect4xx && (response.status < 400 || response.status >= 500)) problems.push(`answered ${response.status}, expected a 4xx`);
  problems.push(...validator.problems(op, response));
  if (response.status >= 400) for (const leak of leakedInternals(response.text)) problems.push(`the error body exposes ${leak}`);
  const evidence = { request: curl(request), status: response.status, body: response.text.slice(0, 2_000), ms: Math.round(response.ms) };
  if (problems.length === 0) return { id, stage: 'contract', title, status: 'passed', durationMs: evidence.ms, evidence: { status: response.status, ms: evidence.ms } };
  // Sent again before the report (reproduce/reproduce.ts), unless the failure needed a condition of its moment (an upstream outage).
  if (options.replay !== false) replayable(id, request, response);
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: [...problems, `reproduce: ${evidence.request}`, `response: ${response.status} ${response.text.slice(0, 500)}`].join('\n'),
    durationMs: evidence.ms,
    evidence,
  };
}

/**
 * A check that ran on a made-up path value (nothing the API returned resolved it) did not reach the
 * code it tests when the answer is the 400/404 such a value deserves: skipped with the reason, never
 * passed or failed. Any other answer keeps its verdict, and its evidence names the made-up values.
 */
export function onInvented(invented: Invented[], response: HttpResponse, check: CheckResult, deserved: (status: number) => boolean = deservedByMadeUp): CheckResult {
  if (invented.length === 0) return check;
  const why = describeInvented(invented);
  if (deserved(response.status)) return { id: check.id, stage: check.stage, title: check.title, status: 'skipped', message: `not reached: ${why}; it answered ${response.status}, as a made-up value deserves`, evidence: { invented } };
  return { ...check, ...(check.message ? { message: `${check.message}\n(on a made-up value: ${why})` } : {}), evidence: { ...check.evidence, invented } };
}

/**
 * Every distinct failure of one check is its own finding, the most severe first: `<id>`, then
 * `<id>:2`, … (the fuzz's and the boundary values' failures alike).
 */
export function distinctFailures<F extends { request: HttpRequest; response: HttpResponse }>(id: string, title: string, failures: F[], describe: (failure: F) => string): CheckResult[] {
  return failures.map((failure, i) => ({
    id: replayable(`${id}${i === 0 ? '' : `:${i + 1}`}`, failure.request, failure.response),
    stage: 'contract',
    title: i === 0 ? title : `${title}: distinct failure ${i + 1} of ${failures.length}`,
    status: 'failed',
    message: describe(failure),
    evidence: { request: curl(failure.request), status: failure.response.status, body: failure.response.text.slice(0, 2_000) },
  }));
}
