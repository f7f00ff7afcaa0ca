import type { HttpRequest } from '../http/send.ts';
import type { Operation } from './operations.ts';
import { bodyFieldsOf, referenceField, referenceOf, type ResourceStore } from './resources.ts';

/**
 * What the target's answers taught about each operation's valid request (the contract stage's
 * remedies: a username of 5–10 letters, a `type` one of […], an `id` the body must carry, a filter
 * to leave out), kept for the run so every stage's requests carry it, not only the stage that
 * learned it. Values that refer to a resource are not kept as values: each actor's request gets its
 * own resource of that collection (user B's account, not user A's).
 */
export interface Learned {
  fields: Record<string, unknown>;
  query: Record<string, string>;
  drop: string[];
}

const learned = new Map<string, Learned>();

/** A field that names a resource (`accountId`, a bare `id` in a body): resolved per actor, never kept as a value. */
export function refersToResource(field: string): boolean {
  return /^(id|pk|uuid)$/i.test(field) || referenceOf(field).by !== 'name';
}

export function learn(op: Operation, what: Learned): void {
  learned.set(op.id, { fields: { ...what.fields }, query: { ...what.query }, drop: [...what.drop] });
}

/** Forgets everything (a new run against a new target). */
export function forgetLearned(): void {
  learned.clear();
}

/** The body fields and query parameters the request should carry, with references resolved from `store`. */
export function applyLearned(op: Operation, request: HttpRequest, store: ResourceStore): HttpRequest {
  const taught = learned.get(op.id);
  if (!taught) return request;
  const fields = Object.fromEntries(
    Object.entries(taught.fields).flatMap(([k, v]) => {
      if (!refersToResource(k)) return [[k, v]];
      const value = store.reference(referenceField(op.path, k));
      return value === undefined ? [] : [[k, typeof v === 'number' && Number.isFinite(Number(value)) ? Number(value) : value]];
    }),
  );
  return withFields(request, fields, taught.query, taught.drop);
}

/**
 * Fields a remedy taught, with each value that names a resource checked against what the store holds
 * now: one Gauntlet's own earlier request deleted or renamed is replaced by a resource of the same
 * collection that exists (sibling fields keep distinct ones: a transfer's two accounts), so no later
 * request is refused with the 404 a stale reference deserves. A collection the store does not track
 * keeps its value.
 */
export function withCurrentReferences(op: Operation, fields: Record<string, unknown>, store: ResourceStore): Record<string, unknown> {
  const used: unknown[] = [];
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => {
      if (!refersToResource(k) || (typeof v !== 'string' && typeof v !== 'number')) return [k, v];
      const known = store.references(referenceField(op.path, k));
      if (known.length === 0 || known.some((x) => String(x) === String(v))) {
        used.push(v);
        return [k, v];
      }
      const value = known.find((x) => !used.some((u) => String(u) === String(x))) ?? known[0];
      used.push(value);
      return [k, typeof v === 'number' && Number.isFinite(Number(value)) ? Number(value) : value];
    }),
  );
}

/** The request with these body fields (inside its one-key wrapper, if any) and query parameters set, and `drop` left out. */
export function withFields(request: HttpRequest, fields: Record<string, unknown>, query: Record<string, string> = {}, drop: string[] = []): HttpRequest {
  let body = request.body;
  if (Object.keys(fields).length && body && 'json' in body) {
    const { wrapper, fields: present } = bodyFieldsOf(body.json);
    body = { json: wrapper ? { [wrapper]: { ...present, ...fields } } : { ...present, ...fields } };
  }
  let url = request.url;
  if (Object.keys(query).length || drop.length) {
    const u = new URL(url);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    for (const k of drop) u.searchParams.delete(k);
    url = u.toString();
  }
  return { ...request, url, ...(body ? { body } : {}) };
}
