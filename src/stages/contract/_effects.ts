import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { exposureCheck } from '../../openapi/exposure.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';
import { afterDeleteCheck } from './_after-delete.ts';
import { contentTypeCheck } from './_content-type.ts';
import { readYourWritesCheck } from './_read-your-writes.ts';

/**
 * The effect properties judged after a valid request (issue #26), each in its own file: what the
 * answer exposes, what a delete and a write did as the API's own reads show, and whether a form
 * skips the validation JSON gets. One per stage run: a password hash is reported once per operation.
 */
export class EffectChecks {
  private readonly exposed = new Set<string>();

  constructor(
    private readonly operations: Operation[],
    private readonly send: (r: HttpRequest) => Promise<HttpResponse>,
    private readonly consistencyMs: number,
  ) {}

  /** A password hash in the answer, the first time for this operation (the auth flow's own answers too). */
  exposure(op: Operation, request: HttpRequest, response: HttpResponse): CheckResult[] {
    const check = this.exposed.has(op.id) ? undefined : exposureCheck('contract', op, request, response);
    if (check) this.exposed.add(op.id);
    return check ? [check] : [];
  }

  /** Everything judged after a valid request's answer. */
  async after(op: Operation, request: HttpRequest, response: HttpResponse): Promise<CheckResult[]> {
    const exchange = { request, response };
    const checks = [
      ...this.exposure(op, request, response),
      await afterDeleteCheck(op, exchange, this.operations, this.send, this.consistencyMs),
      await readYourWritesCheck(op, exchange, this.operations, this.send),
      response.status < 300 ? await contentTypeCheck(op, request, this.send) : undefined,
    ];
    return checks.filter((c): c is CheckResult => c !== undefined);
  }
}
