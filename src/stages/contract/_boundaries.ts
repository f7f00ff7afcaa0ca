import { curl, isServerError, send, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { failureSignature } from './_fuzz.ts';
import { hostileValues, slotsOf, withValue, type Slot } from './_hostile.ts';

export interface BoundaryFailure {
  slot: string;
  /** The kinds of value that failed this way ("negative (-1)", "2^63"). */
  kinds: string[];
  request: HttpRequest;
  response: HttpResponse;
  problems: string[];
}

export interface BoundaryResult {
  sent: number;
  failures: BoundaryFailure[];
  /** Why the run for this operation stopped early, if it did (a 429). */
  stopped?: string;
}

export interface BoundaryOptions {
  /** The valid request to vary; `n` differs per variant (a creation gets fresh unique fields each time). */
  valid(n: number): HttpRequest;
  /** Problems of a response beyond its status: leaked internals. */
  leaks(response: HttpResponse): string[];
  /** After each answer (state poisoning watches the writes that succeeded). */
  after?(request: HttpRequest, response: HttpResponse): Promise<void>;
}

/**
 * Sends every hostile value of every slot of the operation, one slot at a time, and groups what went
 * wrong: a forbidden value that was not refused with a 4xx, any value that got a 5xx or leaked
 * internals. Failures of one slot that look alike (same status, same normalised error text) are one
 * finding that lists the kinds of value; different server errors are separate findings.
 */
export async function probeBoundaries(op: Operation, options: BoundaryOptions): Promise<BoundaryResult> {
  const base = options.valid(0);
  const slots: Slot[] = slotsOf(op, base.body && 'json' in base.body ? base.body.json : undefined);
  const found = new Map<string, BoundaryFailure>();
  let sent = 0;
  for (const slot of slots) {
    for (const hostile of hostileValues(slot.schema, slot)) {
      sent += 1;
      const request = withValue(op, options.valid(sent), slot, hostile.value);
      const response = await send(request);
      await options.after?.(request, response);
      if (response.status === 429) return { sent, failures: [...found.values()], stopped: `rate limited (429) after ${sent} requests; the other values were not sent` };
      const problems: string[] = [];
      // No answer in time (status 0): its operation's :hang finding says so, once.
      if (response.status === 0) continue;
      if (isServerError(response)) problems.push(`answered ${response.status}: a server error, for ${slot.where} = ${hostile.kind}`);
      else if (hostile.forbidden && response.status < 400) problems.push(`answered ${response.status}: accepted ${slot.where} = ${hostile.kind}, which the document forbids (expected a 4xx)`);
      if (response.status >= 400) problems.push(...options.leaks(response));
      if (problems.length === 0) continue;
      const key = `${slot.where} ${failureSignature(response, response.status >= 500 ? problems : problems.map((p) => p.replace(/ = .*?(,|$)/, '$1')))}`;
      const known = found.get(key);
      if (known) known.kinds.push(hostile.kind);
      else found.set(key, { slot: slot.where, kinds: [hostile.kind], request, response, problems });
    }
  }
  return { sent, failures: [...found.values()].sort((a, b) => b.response.status - a.response.status) };
}

/** The message of a failed boundary check: what was sent, what came back, how to reproduce it. */
export function describeFailure(failure: BoundaryFailure): string {
  const others = failure.kinds.length > 1 ? [`the same for: ${failure.kinds.slice(1).join(', ')}`] : [];
  return [...failure.problems, ...others, `reproduce: ${curl(failure.request)}`, `response: ${failure.response.status} ${failure.response.text.slice(0, 500)}`].join('\n');
}
