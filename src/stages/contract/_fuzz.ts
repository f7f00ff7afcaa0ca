import fc from 'fast-check';
import { arbitraryFor } from '../../openapi/generate.ts';
import { send, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';

export interface FuzzFailure {
  request: HttpRequest;
  response: HttpResponse;
  problems: string[];
  runs: number;
  shrinks: number;
}

export interface FuzzOptions {
  seed: number;
  /** Requests this operation may send, shrinking included. */
  requests: number;
  timeMs: number;
  /** What is wrong with a response ([] = fine). */
  judge(response: HttpResponse): string[];
  /** After each answer (state poisoning watches the writes that succeeded). */
  after?(request: HttpRequest, response: HttpResponse): Promise<void>;
}

/**
 * What makes two failures the same bug: the status and, for a server error, its body with the
 * variable parts (numbers, ids, quoted input) taken out; otherwise the kinds of problem found.
 */
export function failureSignature(response: HttpResponse, problems: string[]): string {
  // Error texts quote the input that caused them ("syntax error at or near "'\""): what is quoted,
  // numbers, ids and punctuation go, the words stay.
  const normalise = (text: string) =>
    text
      .toLowerCase()
      .replace(/"[^\n]*"|'[^\n]*'/g, ' ')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ' ')
      .replace(/[^a-z]+/g, ' ')
      .trim()
      .slice(0, 160);
  if (response.status >= 500) return `${response.status} ${normalise(leafText(response.json) ?? response.text)}`;
  return `${response.status} ${problems.map(normalise).sort().join('; ')}`;
}

/** The text of a JSON body's string leaves (an error's message), without its keys and quotes. */
function leafText(json: unknown): string | undefined {
  if (json === undefined || json === null) return undefined;
  const leaves: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') leaves.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(json);
  return leaves.join(' | ');
}

/** Server errors first, then an undocumented status, then what only the schema says. */
function severity(failure: FuzzFailure): number {
  if (failure.response.status >= 500) return 0;
  return failure.problems.some((p) => /not documented|undocumented/.test(p)) ? 1 : 2;
}

/**
 * Property-based fuzzing of one operation with fast-check: query parameters and the JSON body are
 * drawn from their schemas in fuzz mode (tricky characters mixed into strings), path parameters stay
 * those of the valid request. Property: the response is judged fine, or fails in a way already
 * found. Each new failure is shrunk to a minimal input and sent once more to capture its response;
 * then the search goes on for the next distinct one, so a schema-only deviation never hides the 500s
 * behind it. All within the operation's request and time budget.
 */
export async function fuzzOperation(op: Operation, valid: HttpRequest, options: FuzzOptions): Promise<{ failures: FuzzFailure[]; requests: number }> {
  const query = op.parameters.filter((p) => p.in === 'query');
  const json = op.body?.media.find((m) => /json/.test(m.contentType));
  if (query.length === 0 && !json?.schema) return { failures: [], requests: 0 };
  const input = fc.record({
    query: fc.record(Object.fromEntries(query.map((p) => [p.name, arbitraryFor(p.schema, 0, 'fuzz')])), { requiredKeys: query.filter((p) => p.required).map((p) => p.name) }),
    body: json?.schema ? arbitraryFor(json.schema, 0, 'fuzz') : fc.constant(undefined),
  });
  let sent = 0;
  const requestFor = (value: { query: Record<string, unknown>; body: unknown }): HttpRequest => {
    const url = new URL(valid.url);
    url.search = '';
    for (const [name, v] of Object.entries(value.query)) url.searchParams.set(name, typeof v === 'string' ? v : JSON.stringify(v));
    return { ...valid, url: url.toString(), ...(json ? { body: { json: value.body } } : {}) };
  };
  const known = new Set<string>();
  const failures: FuzzFailure[] = [];
  const deadline = performance.now() + options.timeMs;
  // Each round looks for a failure not seen yet; bounded by the budget and by the failures found.
  for (let round = 0; sent < options.requests && performance.now() < deadline && round < options.requests; round++) {
    const property = fc.asyncProperty(input, async (value) => {
      if (sent >= options.requests) return true; // budget spent: stop looking (and stop shrinking)
      sent += 1;
      const request = requestFor(value);
      const response = await send(request);
      await options.after?.(request, response);
      const problems = options.judge(response);
      return problems.length === 0 || known.has(failureSignature(response, problems));
    });
    const result = await fc.check(property, { seed: options.seed + round, numRuns: options.requests - sent, interruptAfterTimeLimit: Math.max(1, deadline - performance.now()), markInterruptAsFailure: false });
    if (!result.failed || !result.counterexample) break;
    const request = requestFor(result.counterexample[0]);
    const response = await send(request);
    sent += 1;
    const problems = options.judge(response);
    const signature = failureSignature(response, problems);
    // Not reproduced on its own (a failure that depended on state): reported as it is, and the search ends.
    if (problems.length === 0 || known.has(signature)) break;
    known.add(signature);
    failures.push({ request, response, problems, runs: result.numRuns, shrinks: result.numShrinks });
  }
  return { failures: failures.sort((a, b) => severity(a) - severity(b)), requests: sent };
}
