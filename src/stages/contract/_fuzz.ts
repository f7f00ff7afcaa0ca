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
}

/**
 * Property-based fuzzing of one operation with fast-check: query parameters and the JSON body are
 * drawn from their schemas in fuzz mode (tricky characters mixed into strings), path parameters stay
 * those of the valid request. Property: the response is judged fine. A failing input is shrunk to a
 * minimal one, all within the request budget, and sent once more to capture the response.
 */
export async function fuzzOperation(op: Operation, valid: HttpRequest, options: FuzzOptions): Promise<{ failure?: FuzzFailure; requests: number }> {
  const query = op.parameters.filter((p) => p.in === 'query');
  const json = op.body?.media.find((m) => /json/.test(m.contentType));
  if (query.length === 0 && !json?.schema) return { requests: 0 };
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
  const property = fc.asyncProperty(input, async (value) => {
    if (sent >= options.requests) return true; // budget spent: stop looking (and stop shrinking)
    sent += 1;
    return options.judge(await send(requestFor(value))).length === 0;
  });
  const result = await fc.check(property, { seed: options.seed, numRuns: options.requests, interruptAfterTimeLimit: options.timeMs, markInterruptAsFailure: false });
  if (!result.failed || !result.counterexample) return { requests: sent };
  const request = requestFor(result.counterexample[0]);
  const response = await send(request);
  return { failure: { request, response, problems: options.judge(response), runs: result.numRuns, shrinks: result.numShrinks }, requests: sent + 1 };
}
