import type { CheckResult } from '../../results/types.ts';
import { curl, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { createsInCollection } from '../../openapi/plan.ts';
import { bodyFieldsOf, isObject, referenceField, stemOf, trimSlash } from '../../openapi/resources.ts';
import { complaintsOf, fittingValue } from './_fit.ts';
import { refusesSelf } from './_another-user.ts';
import type { ReachRow } from '../../results/reach.ts';

/**
 * Reach: whether a valid request of each operation got a 2xx, as whom, after which producers. A
 * check behind an operation that was never reached tested nothing, so an unreached `:valid` is
 * never a pass; what was tried and what would fix it is listed instead.
 */

/** How an operation was reached: as whom, with which fields changed, after which producers. Later passes send it the same way. */
export interface Way {
  as: 'user' | 'admin' | 'anonymous';
  /** Body fields a validation error taught (a username that fits 5–10 characters). */
  fields: Record<string, unknown>;
  /** Query parameters a validation error taught (`category` must be a number: a category's id). */
  query?: Record<string, string>;
  /** Optional query parameters a validation error refused (a filter naming nothing that exists): left out. */
  drop?: string[];
  after: string[];
  /** Aimed at another user (the action refuses the user's own: following oneself): _another-user.ts. */
  subject?: 'another user';
}

export interface ReachTools {
  /** The operation's valid request, sent `way`'s way (as whom, with its fields), with a fresh seed offset `n`. */
  build(op: Operation, way: Way, n: number): HttpRequest;
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Whether a user session exists (so an operation the document calls public can be tried with it). */
  hasUser: boolean;
  /** The admin's session, when one is configured (stages.security.admin.credentials, stages.e2e.admin). */
  hasAdmin: boolean;
  /** Makes sure another user exists to aim an action at (following oneself is refused); whether one does. */
  another?: () => Promise<boolean>;
  /** Runs a producer's valid request; whether it answered 2xx. */
  produce(producer: Operation): Promise<boolean>;
  /** A known resource a field refers to, by id (`category` → a category's id) or by name. */
  reference(field: string, byId: boolean): unknown;
}

export interface Attempt {
  request: HttpRequest;
  response: HttpResponse;
  way: Way;
  /** What was tried, in order ("as the admin: 403", "after POST /carts: 201, then 400"). */
  tried: string[];
}

const ok = (r: HttpResponse) => r.status >= 200 && r.status < 300;
/** A 4xx that a better request could turn into a 2xx (not a rate limit: that is the target protecting itself). */
const remediable = (r: HttpResponse) => r.status >= 400 && r.status < 500 && r.status !== 429 && r.status !== 405;

/** The static words of a path and its tags, reduced to stems: `/api/lists/{id}/items/` → list, item. */
const wordsOf = (op: Operation) => new Set([...trimSlash(op.path).split('/').filter((s) => s && !s.startsWith('{') && !/^(api|v\d+)$/i.test(s)).map(stemOf), ...(op.tags ?? []).map(stemOf)]);

/**
 * The operations that may make what `op` needs: creations whose words the operation shares (a cart
 * for an order, an item for a cart), then those its request or answer names ("cart is empty",
 * `accountId`). The auth flow and the operation itself are never producers.
 */
export function producersFor(op: Operation, operations: Operation[], said: string, excluded: Set<string>): Operation[] {
  const mine = wordsOf(op);
  const text = said.toLowerCase();
  const score = (p: Operation) => {
    const theirs = wordsOf(p);
    const shared = [...theirs].filter((w) => mine.has(w)).length;
    const named = [...theirs].filter((w) => w.length > 2 && text.includes(w)).length;
    return shared * 2 + named * 3 + (createsInCollection(p) ? 1 : 0);
  };
  return operations
    .filter((p) => p.method === 'POST' && p.id !== op.id && !excluded.has(p.id))
    .map((p) => ({ p, s: score(p) }))
    .filter((x) => x.s > 1)
    .sort((a, b) => b.s - a.s)
    .slice(0, 2)
    .map((x) => x.p);
}

/** The body fields of a request and of its schema, where they live (inside a one-key wrapper). */
function bodyFields(op: Operation, request: HttpRequest): string[] {
  const schema = op.body?.media.find((m) => /json/.test(m.contentType))?.schema as Record<string, unknown> | undefined;
  const props = isObject(schema?.properties) ? Object.keys(schema.properties) : [];
  const innerProps = props.length === 1 && isObject((schema?.properties as Record<string, Record<string, unknown>>)[props[0] as string]?.properties) ? Object.keys((schema?.properties as Record<string, Record<string, unknown>>)[props[0] as string]?.properties as object) : [];
  return [...new Set([...Object.keys(sentFields(request)), ...props, ...innerProps])];
}

/** The fields a request's JSON body sent, inside its one-key wrapper when it has one. */
const sentFields = (request: HttpRequest) => bodyFieldsOf(request.body && 'json' in request.body ? request.body.json : undefined).fields;

/**
 * A valid request that was refused with a 4xx, made to reach its code: sent with the user's session
 * when the document calls it public but it answers 401; as the admin when the user gets 401/403;
 * with the fields a validation error names given values that fit what it says; after running the
 * producers of what it needs. At most six more requests; the last attempt is returned either way.
 */
export async function reachOperation(op: Operation, first: Attempt, tools: ReachTools, operations: Operation[], excluded: Set<string>): Promise<Attempt> {
  let current = first;
  let n = 0;
  const retry = async (way: Way, label: string): Promise<boolean> => {
    const request = tools.build(op, way, ++n);
    const response = await tools.send(request);
    current = { request, response, way, tried: [...current.tried, `${label}: ${response.status}`] };
    return ok(response);
  };
  if (!remediable(current.response)) return current;
  const auth = (r: HttpResponse) => r.status === 401 || r.status === 403;
  if (auth(current.response) && current.way.as === 'anonymous' && tools.hasUser && (await retry({ ...current.way, as: 'user' }, 'with the user\'s session (the document declares no security)'))) return current;
  if (auth(current.response) && tools.hasAdmin && (await retry({ ...current.way, as: 'admin' }, 'as the admin'))) return current;
  // "You cannot follow yourself": the action is meant for someone else's resource.
  if (remediable(current.response) && current.way.subject === undefined && refusesSelf(current.response.text) && tools.another && (await tools.another())) {
    if (await retry({ ...current.way, subject: 'another user' }, "at another user (it refuses the user's own)")) return current;
  }
  // A validation error: the fields it names, given values that fit what it says of them. Up to four
  // rounds: many validators (Joi, by default) name only the first field they refuse.
  const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  for (let round = 0; round < 4 && remediable(current.response); round++) {
    const complaints = complaintsOf(current.response, [...bodyFields(op, current.request), ...queryNames]);
    if (complaints.length === 0) break;
    const inner = sentFields(current.request);
    const url = new URL(current.request.url);
    const fit = (field: string, message: string, current: unknown) => {
      // A field that names a known resource gets that resource: its id when the error wants a number.
      // A bare `id` in the body (PATCH /category/ with the id inside) is one of the path's own resource.
      const known = tools.reference(referenceField(op.path, field), /number|integer|numeric|\bid\b/i.test(message));
      return known !== undefined && known !== current ? known : fittingValue(field, message, current, n + round + 1);
    };
    // An optional filter the error refuses is left out: a valid list request needs none.
    const optional = new Set(op.parameters.filter((p) => p.in === 'query' && !p.required).map((p) => p.name));
    const drop = [...new Set([...(current.way.drop ?? []), ...complaints.filter((c) => optional.has(c.field) && !(c.field in inner)).map((c) => c.field)])];
    const query = { ...current.way.query, ...Object.fromEntries(complaints.filter((c) => queryNames.includes(c.field) && !optional.has(c.field) && !(c.field in inner)).map((c) => [c.field, String(fit(c.field, c.message, url.searchParams.get(c.field) ?? undefined))])) };
    const fields = { ...current.way.fields, ...Object.fromEntries(complaints.filter((c) => !(c.field in query)).map((c) => [c.field, fit(c.field, c.message, inner[c.field])])) };
    if (await retry({ ...current.way, fields, query, drop }, `with ${complaints.map((c) => c.field).join(', ')} as the error asks`)) return current;
  }
  // "already exists", "taken", "duplicate": the identifying fields made fresh (an email, a username), at their old length.
  if (remediable(current.response) && /already|exists|taken|unique|duplicate/i.test(current.response.text)) {
    const fresh = Object.fromEntries(Object.entries(sentFields(current.request)).filter(([k, v]) => typeof v === 'string' && /(e-?mail|user_?name|login|handle|slug|code|name|title)$/i.test(k)).map(([k, v]) => [k, freshened(v as string, ++n)]));
    if (Object.keys(fresh).length && (await retry({ ...current.way, fields: { ...current.way.fields, ...fresh } }, `with fresh ${Object.keys(fresh).join(', ')} (the answer says a value is taken)`))) return current;
  }
  // What it needs may not exist yet: the producers its words and its answer point to, then again.
  if (remediable(current.response)) {
    const producers = producersFor(op, operations, `${current.response.text.slice(0, 500)} ${JSON.stringify(current.request.body ?? '')}`, excluded);
    const after: string[] = [];
    for (const producer of producers) if (await tools.produce(producer)) after.push(producer.id);
    if (after.length && (await retry({ ...current.way, after: [...current.way.after, ...after] }, `after ${after.join(', ')}`))) return current;
    if (after.length && auth(current.response) && tools.hasAdmin && current.way.as !== 'admin') await retry({ ...current.way, as: 'admin' }, 'as the admin');
  }
  return current;
}


/**
 * A valid request that never got a 2xx tested nothing: its check is *unreached* (skipped, with the
 * request, the answer, what was tried and what would fix it), never passed. A failure (a 5xx, an
 * undocumented answer) stays a failure.
 */
export function unreachedUnlessFailed(check: CheckResult, attempt: Attempt): CheckResult {
  if (check.status === 'failed' || attempt.response.status < 400) return check;
  const tried = attempt.tried.length ? `; tried ${attempt.tried.join(', ')}` : '';
  return {
    id: check.id,
    stage: check.stage,
    title: check.title,
    status: 'skipped',
    message: `unreached: a valid request answered ${attempt.response.status}${tried}\nreproduce: ${curl(attempt.request)}\nresponse: ${attempt.response.status} ${attempt.response.text.slice(0, 300)}`,
    evidence: { unreached: true, request: curl(attempt.request), status: attempt.response.status, body: attempt.response.text.slice(0, 2_000), tried: attempt.tried },
  };
}

export class Reach {
  private readonly rows = new Map<string, ReachRow>();
  private readonly edges = new Map<string, Set<string>>();

  constructor(operations: Operation[]) {
    for (const op of operations) this.rows.set(op.id, { operation: op.id, reached: false, status: null, as: '—', after: [], tried: [] });
    // From the document: a creation produces what the operations under its collection address.
    for (const producer of operations.filter(createsInCollection)) {
      for (const consumer of operations) if (consumer !== producer && trimSlash(consumer.path).startsWith(`${trimSlash(producer.path)}/{`)) this.edge(producer.id, consumer.id, 'document');
    }
  }

  private edge(producer: string, consumer: string, how: string): void {
    const set = this.edges.get(`${producer} → ${consumer}`) ?? new Set();
    set.add(how);
    this.edges.set(`${producer} → ${consumer}`, set);
  }

  /** A valid request's outcome; a 2xx marks the operation reached (the first one stays). */
  record(op: Operation, attempt: Attempt, fix?: string): void {
    const row = this.rows.get(op.id);
    if (!row || row.reached) return;
    const reached = ok(attempt.response);
    if (reached) for (const key of ['request', 'answer', 'fix'] as const) delete row[key];
    Object.assign(row, {
      reached,
      status: attempt.response.status,
      as: attempt.way.as,
      after: attempt.way.after,
      tried: attempt.tried,
      ...(reached ? {} : { request: curl(attempt.request), answer: `${attempt.response.status} ${attempt.response.text.slice(0, 300)}`, ...(fix ? { fix } : {}) }),
    });
    if (reached) for (const p of attempt.way.after) this.edge(p, op.id, 'answer');
  }

  /** The valid request failed with a 5xx once and answered `status` (a 2xx) when sent again: reached after all (reproduce/reproduce.ts). */
  reachedOnReplay(opId: string, status: number): void {
    const row = this.rows.get(opId);
    if (!row || row.reached || status < 200 || status >= 300) return;
    for (const key of ['request', 'answer', 'fix'] as const) delete row[key];
    Object.assign(row, { reached: true, status, tried: [...row.tried, `sent again: its first ${row.status ?? ''} did not come back`] });
  }

  isReached(opId: string): boolean {
    return this.rows.get(opId)?.reached ?? false;
  }

  metrics(): Record<string, number> {
    const rows = [...this.rows.values()];
    const reached = rows.filter((r) => r.reached).length;
    return { 'reach.operations': rows.length === 0 ? 100 : Math.round((reached / rows.length) * 10_000) / 100, operationsReached: reached };
  }

  check(): CheckResult {
    const rows = [...this.rows.values()];
    const m = this.metrics();
    const unreached = rows.filter((r) => !r.reached);
    return {
      id: 'contract:reach',
      stage: 'contract',
      title: `Reach: ${m.operationsReached} of ${rows.length} operations answered a valid request with a 2xx (${m['reach.operations']}%)`,
      status: 'passed',
      ...(unreached.length ? { message: `not reached: ${unreached.map((r) => `${r.operation} (${r.status ?? 'not sent'})`).join(', ')}` } : {}),
      evidence: { operations: rows, dependencies: [...this.edges.entries()].map(([edge, how]) => ({ edge, how: [...how].sort() })) },
    };
  }
}

/** What would make an unreached operation reachable, from how it was refused. */
export function fixFor(op: Operation, response: HttpResponse, hasAdmin: boolean, invented: string[] = []): string {
  if (invented.length) return `${invented.join(', ')} named nothing the API had returned: no operation Gauntlet ran created it (check the creation's own row, or give the parameter an example in the document)`;
  if (response.status === 401 || response.status === 403) {
    return hasAdmin ? `neither the user nor the configured admin may call it: check the admin's role in the target's test setup, or list it in stages.contract.skip` : `set stages.security.admin.credentials to an identity that may call ${op.id} (the target must make it an admin)`;
  }
  if (response.status === 404) return `what its path names does not exist for this user: a producer (a POST that creates it) must run first; check that the document has one and that it answers 2xx`;
  if (response.status === 429) {
    const after = response.headers?.get?.('retry-after');
    return `the target rate-limited the run (429${after ? `, Retry-After ${after} s` : ''}: ${response.text.slice(0, 120)}): raise its limits in the environment Gauntlet starts (a test setting, e.g. DRF's DEFAULT_THROTTLE_RATES or an env var the target reads), or run fewer stages at once`;
  }
  return `give the document an example for ${op.id}'s request (requestBody.content.*.example), or check the error above for a prerequisite Gauntlet could not create`;
}

/** A value like `value`, of the same length and shape, that nobody has yet: `ada@example.com` → `a7k2@example.com`. */
export function freshened(value: string, n: number): string {
  const tag = `${n.toString(36)}${Math.random().toString(36).slice(2)}`.replace(/[^a-z0-9]/g, '');
  const at = value.indexOf('@');
  if (at > 0) return `${freshened(value.slice(0, at), n)}${value.slice(at)}`;
  const keep = Math.max(1, value.length - Math.min(6, tag.length));
  return `${value.slice(0, keep)}${tag}`.slice(0, Math.max(value.length, 5));
}
