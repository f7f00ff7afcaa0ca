import { isDeepStrictEqual } from 'node:util';
import { isServerError, type HttpRequest } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { buildRequest } from '../../openapi/plan.ts';
import { bodyFieldsOf, identifiersIn, referenceOf } from '../../openapi/resources.ts';
import { succeeded, type Actor, type SecurityRun } from './_run.ts';

/**
 * Broken object-level authorization through a body reference: user A sends its own valid write
 * (a transfer from one of its accounts, an item into its list) with one reference field pointing at
 * user B's resource instead (`from_account_id` of B's account). Judged by the effect, as B's own
 * reads show it:
 * - the control first: A's request with its own references must get a 2xx, or nothing is reached;
 * - B's reads that show the referenced resource, read twice before (what changes by itself is left
 *   out) and once after: a change is the finding, whatever the status said;
 * - a 5xx is a finding; a refusal, or a 2xx that changed nothing of B's, passes;
 * - with no read of B's showing that resource, the effect cannot be seen: skipped with the reason.
 */
export async function referenceChecks(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  const seed = run.settings.seed + 11;
  const writers = run.userOperations().filter((op) => ['POST', 'PUT', 'PATCH'].includes(op.method) && op.body?.media.some((m) => /json/.test(m.contentType)));
  const reads = run.userOperations().filter((op) => op.method === 'GET');
  const mine = identifiersIn(owner.store.created().map((c) => c.object));
  const theirsCreated = identifiersIn(other.store.created().map((c) => c.object));
  // `userId`, `owner_id`: the users themselves.
  if (owner.store.self !== undefined) mine.add(String(owner.store.self));
  if (other.store.self !== undefined) theirsCreated.add(String(other.store.self));
  for (const op of writers) {
    const { request, invented } = buildRequest(op, run.baseUrl, owner.store, owner.session.headers, seed);
    // On a made-up path nothing is reached; the path's own owner checks are objectLevel's.
    if (invented.length > 0 || !request.body || !('json' in request.body)) continue;
    const { wrapper, fields } = bodyFieldsOf(request.body.json);
    for (const [field, value] of Object.entries(fields)) {
      const by = referenceOf(field).by;
      if (by === 'name' || /^(id|pk|uuid)$/i.test(field) || value === undefined || !mine.has(String(value))) continue;
      // B's own resource of that kind, one A does not share (not a public catalogue item both see).
      const theirs = other.store.reference(field);
      if (theirs === undefined || !theirsCreated.has(String(theirs)) || mine.has(String(theirs))) continue;
      const crossed = { ...request, body: { json: withValue(request.body.json, wrapper, field, typeof value === 'number' ? Number(theirs) : String(theirs)) } };
      await referenceCheck(run, { op, field, request, crossed, theirs: String(theirs) }, other, reads);
    }
  }
}

async function referenceCheck(
  run: SecurityRun,
  target: { op: Operation; field: string; request: HttpRequest; crossed: HttpRequest; theirs: string },
  other: Actor,
  reads: Operation[],
): Promise<void> {
  const { op, field, request, crossed, theirs } = target;
  const id = `security:authz:reference:${op.id}:${field}`;
  const title = `user A cannot ${op.method} ${op.path} with "${field}" pointing at user B's resource`;
  const control = await run.send(request);
  if (!succeeded(control)) return run.skip(id, title, `not reached: user A's own request (with its own ${field}) answered ${control.status}, so a refusal with B's would prove nothing`);
  // B's reads that show the resource, read twice: what differs between those two changes by itself.
  const shows = async () => {
    const out = new Map<string, unknown>();
    for (const read of reads) {
      const built = buildRequest(read, run.baseUrl, other.store, other.session.headers, run.settings.seed);
      if (built.invented.length > 0) continue;
      const r = await run.send(built.request);
      if (succeeded(r) && identifiersIn(r.json).has(theirs)) out.set(read.id, r.json);
    }
    return out;
  };
  const first = await shows();
  if (first.size === 0) return run.skip(id, title, `cannot tell: no read of user B's shows B's resource ${theirs}, so what the request did to it cannot be seen`);
  const second = await shows();
  const stable = [...first.keys()].filter((k) => isDeepStrictEqual(first.get(k), second.get(k)));
  const response = await run.send(crossed);
  if (isServerError(response)) return run.verdict(id, title, [`with user B's ${field} (${theirs}) it answered ${response.status}: a server error`], { request: crossed, response });
  const after = await shows();
  const changed = stable.filter((k) => !isDeepStrictEqual(second.get(k), after.get(k)));
  if (changed.length > 0) {
    return run.verdict(id, title, [`user A's ${op.method} ${op.path} with user B's ${field} (${theirs}) answered ${response.status} and changed B's resource (B's ${changed.join(', ')} show${changed.length === 1 ? 's' : ''} it): broken object-level authorization through a reference`], { request: crossed, response });
  }
  if (stable.length === 0) return run.skip(id, title, `cannot tell: user B's reads of ${theirs} change by themselves between two reads`);
  run.add({ id, title, status: 'passed', message: `user A got ${response.status} with user B's ${field}; B's ${stable.join(', ')} read the same before and after` });
}

/** The body with `field` (inside its one-key wrapper, when it has one) set to `value`. */
function withValue(json: unknown, wrapper: string | undefined, field: string, value: unknown): unknown {
  const { fields } = bodyFieldsOf(json);
  const next = { ...fields, [field]: value };
  return wrapper ? { [wrapper]: next } : next;
}
