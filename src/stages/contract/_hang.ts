import { curl, type HttpRequest, type HttpResponse, type NoAnswerPolicy } from '../../http/send.ts';
import type { CheckResult } from '../../results/types.ts';
import type { Operation } from '../../openapi/operations.ts';
import { trimSlash } from '../../openapi/resources.ts';

/** The operation a concrete request is for: its method, and its path against every template (either slash form). */
export function operationOf(operations: Operation[], request: Pick<HttpRequest, 'method' | 'url'>): Operation | undefined {
  const path = trimSlash(new URL(request.url).pathname);
  return operations.find((op) => op.method === request.method && patternOf(op).test(path));
}

/** Each template's pattern, compiled once: operationOf runs on every answer of the security stage. */
const patterns = new WeakMap<Operation, RegExp>();
function patternOf(op: Operation): RegExp {
  let pattern = patterns.get(op);
  if (!pattern) {
    pattern = new RegExp(`^${trimSlash(op.path).split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);
    patterns.set(op, pattern);
  }
  return pattern;
}

/** What a request that got no answer in time stands for: status 0, so no check reads it as an answer. */
export const noAnswer = (ms: number): HttpResponse => ({ status: 0, headers: new Headers(), text: `no answer within ${ms} ms`, json: undefined, contentType: '', ms });

/**
 * A request with no answer within its timeout is a finding of its operation (`<op>:hang`, reported
 * once by `onHang`), never the end of the stage: it stands as status 0, and later requests to an
 * operation that hung are not sent (each would wait out the timeout again).
 */
/** The finding of a request that got no answer in time: `<stage>:<op>:hang`, a bug, with the request. */
export function hangCheck(stage: string, op: Operation | undefined, request: HttpRequest, ms: number): CheckResult {
  const id = op?.id ?? `${request.method} ${new URL(request.url).pathname}`;
  return { id: `${stage}:${id}:hang`, stage, title: `${id} answers within the request timeout`, status: 'failed', severity: 'bug', message: `no answer within ${ms} ms: the request hangs (later requests to it are not sent)\nreproduce: ${curl(request)}`, evidence: { request: curl(request), ms } };
}

export function hangPolicy(operations: Operation[], onHang: (op: Operation | undefined, request: HttpRequest, ms: number) => void): NoAnswerPolicy {
  const hung = new Set<string>();
  return {
    skip: (request) => {
      const op = operationOf(operations, request);
      return op && hung.has(op.id) ? noAnswer(0) : undefined;
    },
    timedOut: (request, ms) => {
      const op = operationOf(operations, request);
      if (op) hung.add(op.id);
      onHang(op, request, ms);
      return noAnswer(ms);
    },
  };
}
