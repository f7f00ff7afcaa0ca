import { isDeepStrictEqual } from 'node:util';
import { isServerError, type HttpRequest } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { buildRequest } from '../../openapi/plan.ts';
import { bodyFieldsOf, identifiersIn, lastWord, referenceOf, stemOf } from '../../openapi/resources.ts';
import { succeeded, type Actor, type SecurityRun } from './_run.ts';

/**
 * Broken object-level authorization through a body reference: user A sends its own valid write
 * (a transfer from one of its accounts, an item into its list) with one reference field pointing at
 * user B's resource instead (`from_account_id` of B's account). Judged by the effect, as B's own
 * reads show it:
 * - the control first: A's request with its own references must get a 2xx, or nothing is reached;
 * - B's reads that show the referenced resource, read twice before (what changes by itself is left
 *   out) and once after: a change is the finding, whatever the status said;
 * - a 5xx is a finding; a refusal passes;
 * - a 2xx that changed nothing of B's is judged by whether A may read B's resource at all: A's GET of
 *   it refused (403/404) while the write took it is the finding, A's GET showing it passes, anything
 *   else is *cannot tell*;
 * - with no read of B's showing that resource, the effect cannot be seen: skipped with the reason.
 * A pair of references to one kind is also tried with the same resource twice (samePair).
 */
export async function referenceChecks(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  const seed = run.settings.seed + 11;
  const writers = run.userOperations().filter((op) => ['POST', 'PUT', 'PATCH'].includes(op.method) && op.body?.media.some((m) => /json/.test(m.contentType)));
  const reads = run.userOperations().filter((op) => op.method === 'GET');
  // Each user's own of a kind: what its store gives for the field (created, or read from its own
  // lists) that the other's does not (a public catalogue both see is nobody's); for `userId`, the user.
  const only = (field: string, of: Actor, not: Actor) => {
    const theirs = new Set(not.store.references(field).map(String));
    return of.store.references(field).filter((v) => !theirs.has(String(v)));
  };
  for (const op of writers) {
    const { request, invented } = buildRequest(op, run.baseUrl, owner.store, owner.session.headers, seed);
    // On a made-up path nothing is reached; the path's own owner checks are objectLevel's.
    if (invented.length > 0 || !request.body || !('json' in request.body)) continue;
    const { wrapper, fields } = bodyFieldsOf(request.body.json);
    for (const [field, value] of Object.entries(fields)) {
      if (!ownReference(field, value, only(field, owner, other).map(String))) continue;
      // B's own resource of that kind, one A does not share (not a public catalogue item both see).
      const theirs = only(field, other, owner)[0];
      if (theirs === undefined) continue;
      const crossed = { ...request, body: { json: withValue(request.body.json, wrapper, field, typeof value === 'number' ? Number(theirs) : String(theirs)) } };
      await referenceCheck(run, { op, field, request, crossed, theirs: String(theirs) }, other, reads);
    }
    await samePair(run, { op, request, wrapper, fields }, owner, reads, (field) => only(field, owner, other).map(String));
  }
}

/**
 * A pair of references to one kind (`from_account_id`, `to_account_id`) given the same resource
 * twice: refused, or accepted without changing it (a transfer to itself moves nothing). A 2xx that
 * changes it, as A's own reads show, is the finding; a 5xx too.
 */
async function samePair(run: SecurityRun, sent: { op: Operation; request: HttpRequest; wrapper: string | undefined; fields: Record<string, unknown> }, owner: Actor, reads: Operation[], mine: (field: string) => string[]): Promise<void> {
  const { op, request, wrapper, fields } = sent;
  const byStem = new Map<string, string[]>();
  for (const [field, value] of Object.entries(fields)) {
    if (!ownReference(field, value, mine(field))) continue;
    const { stem } = referenceOf(field);
    byStem.set(stem, [...(byStem.get(stem) ?? []), field]);
  }
  for (const [first, second] of [...byStem.values()].filter((f) => f.length >= 2)) {
    const id = `security:reference:${op.id}:${first}=${second}`;
    const title = `${op.method} ${op.path} with the same resource as "${first}" and "${second}" is refused or changes nothing`;
    const value = fields[first as string];
    const same = { ...request, body: { json: withValue(request.body && 'json' in request.body ? request.body.json : {}, wrapper, second as string, value) } };
    const { before, after, response } = await around(run, owner, reads, String(value), same);
    if (isServerError(response)) {
      run.verdict(id, title, [`with ${value} as both ${first} and ${second} it answered ${response.status}: a server error`], { request: same, response });
    } else if (before.size === 0) {
      run.skip(id, title, `cannot tell: no read of user A's shows the resource ${value}, so what the request did to it cannot be seen (it answered ${response.status})`);
    } else {
      const changed = [...before.keys()].filter((k) => !isDeepStrictEqual(before.get(k), after.get(k)));
      if (succeeded(response) && changed.length > 0) run.verdict(id, title, [`with ${value} as both ${first} and ${second} it answered ${response.status} and changed that resource (A's ${changed.join(', ')} show${changed.length === 1 ? 's' : ''} it): an action of a resource on itself should be refused or do nothing`], { request: same, response });
      else run.add({ id, title, status: 'passed', message: `it answered ${response.status}${succeeded(response) ? ', and nothing of the resource changed' : ''}` });
    }
  }
}

/** The actor's reads that show `value`, twice before `request` (what changes by itself is left out) and once after it. */
async function around(run: SecurityRun, actor: Actor, reads: Operation[], value: string, request: HttpRequest) {
  const shows = async () => {
    const out = new Map<string, unknown>();
    for (const read of reads) {
      const built = buildRequest(read, run.baseUrl, actor.store, actor.session.headers, run.settings.seed);
      if (built.invented.length > 0) continue;
      const r = await run.send(built.request);
      if (succeeded(r) && identifiersIn(r.json).has(value)) out.set(read.id, r.json);
    }
    return out;
  };
  const first = await shows();
  const second = first.size > 0 ? await shows() : first;
  const before = new Map([...second].filter(([k, v]) => isDeepStrictEqual(first.get(k), v)));
  const response = await run.send(request);
  const after = before.size > 0 ? await shows() : new Map<string, unknown>();
  return { before, after, response, shown: first.size };
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
  if (!succeeded(control)) return run.skip(id, title, `not reached: user A's own request (with its own ${field}) answered ${control.status} (${control.text.slice(0, 160)}), so a refusal with B's would prove nothing`);
  const { before, after, response, shown } = await around(run, other, reads, theirs, crossed);
  if (isServerError(response)) return run.verdict(id, title, [`with user B's ${field} (${theirs}) it answered ${response.status}: a server error`], { request: crossed, response });
  if (shown === 0) return run.skip(id, title, `cannot tell: no read of user B's shows B's resource ${theirs}, so what the request did to it cannot be seen (it answered ${response.status})`);
  const changed = [...before.keys()].filter((k) => !isDeepStrictEqual(before.get(k), after.get(k)));
  if (changed.length > 0) {
    return run.verdict(id, title, [`user A's ${op.method} ${op.path} with user B's ${field} (${theirs}) answered ${response.status} and changed B's resource (B's ${changed.join(', ')} show${changed.length === 1 ? 's' : ''} it): broken object-level authorization through a reference`], { request: crossed, response });
  }
  if (before.size === 0) return run.skip(id, title, `cannot tell: user B's reads of ${theirs} change by themselves between two reads`);
  const read = [...before.keys()].join(', ');
  if (!succeeded(response)) return run.add({ id, title, status: 'passed', message: `user A got ${response.status} with user B's ${field}; B's ${read} read the same before and after` });
  // Accepted, with nothing of B's changed: a resource A may not read must not be usable by A either.
  const asA = readOf(run, field, theirs, target.request.headers);
  if (!asA) return run.skip(id, title, `cannot tell: user A's request with user B's ${field} (${theirs}) answered ${response.status}, B's ${read} show no change, and no GET of a single ${referenceOf(field).stem} shows whether A may use B's`);
  const seen = await run.send(asA);
  if (seen.status === 403 || seen.status === 404) {
    return run.verdict(id, title, [`user A may not read user B's ${referenceOf(field).stem} ${theirs} (${new URL(asA.url).pathname} answered ${seen.status}), yet ${op.method} ${op.path} with it as ${field} answered ${response.status}: broken object-level authorization through a reference (B's ${read} show no change, so where the write went is not visible)`], { request: crossed, response });
  }
  // A read that shows it (its own id in the answer) says A may see it; an empty or other answer says nothing.
  if (succeeded(seen) && identifiersIn(seen.json).has(theirs)) return run.add({ id, title, status: 'passed', message: `user A got ${response.status} with user B's ${field}, and may read it too (${new URL(asA.url).pathname} answered ${seen.status} with it): a resource A may use; B's ${read} read the same before and after` });
  run.skip(id, title, `cannot tell: user A's request with user B's ${field} (${theirs}) answered ${response.status}, B's ${read} show no change, and A's ${new URL(asA.url).pathname} answered ${seen.status} without showing it`);
}

/** User A's GET of one resource the field names (`GET /accounts/{id}` for `accountId`), on B's value: whether A may see it at all. */
function readOf(run: SecurityRun, field: string, value: string, headers: Record<string, string>): HttpRequest | undefined {
  const stem = referenceOf(field).stem;
  const reader = run.operations.find((op) => op.method === 'GET' && (op.path.match(/\{/g) ?? []).length === 1 && /\{[^}]+\}\/?$/.test(op.path) && stemOf(lastWord(op.path)) === stem);
  return reader ? { method: 'GET', url: `${run.baseUrl}${reader.path.replace(/\{[^}]+\}/, encodeURIComponent(value))}`, headers } : undefined;
}

/** A field that refers by id or URL (not by name, not the body's own id) to one of the user's own resources (`mine`). */
const ownReference = (field: string, value: unknown, mine: string[]) => referenceOf(field).by !== 'name' && !/^(id|pk|uuid)$/i.test(field) && value !== undefined && mine.includes(String(value));

/** The body with `field` (inside its one-key wrapper, when it has one) set to `value`. */
function withValue(json: unknown, wrapper: string | undefined, field: string, value: unknown): unknown {
  const { fields } = bodyFieldsOf(json);
  const next = { ...fields, [field]: value };
  return wrapper ? { [wrapper]: next } : next;
}
