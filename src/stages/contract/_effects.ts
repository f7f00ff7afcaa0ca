import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { isObject, trimSlash, unwrapEnvelope } from '../../openapi/identity.ts';
import { exposureCheck } from '../../openapi/exposure.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';
import { afterDeleteCheck } from './_after-delete.ts';
import { contentTypeCheck } from './_content-type.ts';
import { counterCheck } from './_counters.ts';
import { listedCheck } from './_listed.ts';
import { listChecks, type Creator } from './_lists.ts';
import { partialUpdateCheck } from './_partial-update.ts';
import { readYourWritesCheck } from './_read-your-writes.ts';
import { uniqueChecks } from './_unique.ts';

/**
 * The effect properties judged after a valid request (issue #26), each in its own file: what the
 * answer exposes, what a delete and a write did as the API's own reads show, and whether a form
 * skips the validation JSON gets. One per stage run: a password hash is reported once per operation.
 */
export class EffectChecks {
  private readonly exposed = new Set<string>();
  /** Operations whose list, partial-update or unique checks ran: once each (they send many requests). */
  private readonly listed = new Set<string>();
  /** Each item as the last answer about it showed it (its GET, PUT or PATCH), by path: what a delete must remove from the filtered lists. */
  private readonly items = new Map<string, Record<string, unknown>>();

  /** What the properties cost: their own requests, and the wall time spent judging (for `npm run bench`). */
  readonly cost = { requests: 0, ms: 0, operations: 0 };
  private readonly send: (r: HttpRequest) => Promise<HttpResponse>;
  private readonly create?: Creator;

  constructor(
    private readonly operations: Operation[],
    send: (r: HttpRequest) => Promise<HttpResponse>,
    private readonly consistencyMs: number,
    /** Sends the valid request of a creation, changed by `mark`; true on a 2xx (for the list checks' own items). */
    create?: Creator,
  ) {
    this.send = (r) => {
      this.cost.requests += 1;
      return send(r);
    };
    this.create = create && ((creator, mark) => {
      this.cost.requests += 1;
      return create(creator, mark);
    });
  }

  /** The cost as stage metrics. */
  metrics(): Record<string, number> {
    return { 'effects.requests': this.cost.requests, 'effects.ms': Math.round(this.cost.ms), 'effects.operations': this.cost.operations };
  }

  /** A password hash in the answer, the first time for this operation (the auth flow's own answers too). */
  exposure(op: Operation, request: HttpRequest, response: HttpResponse): CheckResult[] {
    const check = this.exposed.has(op.id) ? undefined : exposureCheck('contract', op, request, response);
    if (check) this.exposed.add(op.id);
    return check ? [check] : [];
  }

  /** Everything judged after a valid request's answer. */
  async after(op: Operation, request: HttpRequest, response: HttpResponse): Promise<CheckResult[]> {
    const started = performance.now();
    try {
      return await this.judge(op, request, response);
    } finally {
      this.cost.ms += performance.now() - started;
      this.cost.operations += 1;
    }
  }

  private async judge(op: Operation, request: HttpRequest, response: HttpResponse): Promise<CheckResult[]> {
    const exchange = { request, response };
    const path = trimSlash(new URL(request.url).pathname);
    const answered = unwrapEnvelope(response.json);
    if (['GET', 'PUT', 'PATCH'].includes(op.method) && /\{[^}/]+\}\/?$/.test(op.path) && response.status < 300 && isObject(answered)) this.items.set(path, answered);
    // The checks that only read are sent together (the throughput goal of #26); those that write
    // (the form variant, the counter's second send) after them: a write beside a read changes what
    // the read sees (flask-bucketlist's form PUT emptied the name a JSON PUT's read-back was reading).
    const reads = await Promise.all([
      afterDeleteCheck(op, exchange, this.operations, this.send, this.consistencyMs, this.items.get(path)),
      readYourWritesCheck(op, exchange, this.operations, this.send),
      listedCheck(op, exchange, this.operations, this.send),
    ]);
    const checks = [
      ...this.exposure(op, request, response),
      ...reads,
      await counterCheck(op, exchange, this.operations, this.send),
      ...(op.method === 'POST' && response.status < 300 && !this.listed.has(op.id) ? (this.listed.add(op.id), await uniqueChecks(op, exchange, this.send)) : []),
      response.status < 300 ? await contentTypeCheck(op, request, this.send) : undefined,
      ...(op.method === 'GET' && response.status < 300 && !this.listed.has(op.id) ? (this.listed.add(op.id), await listChecks(op, exchange, this.send, this.operations, this.create)) : []),
      op.method === 'PATCH' && response.status < 300 && !this.listed.has(op.id) ? (this.listed.add(op.id), await partialUpdateCheck(op, exchange, this.operations, this.send)) : undefined,
    ];
    return checks.filter((c): c is CheckResult => c !== undefined);
  }
}
