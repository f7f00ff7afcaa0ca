import type { HttpRequest } from '../http/send.ts';
import type { Operation, Parameter } from './operations.ts';
import { isObject, lastWord, referenceOf, stemOf, trimSlash, type Invented, type ResourceStore } from './resources.ts';
import { headersForSchemes } from '../http/session.ts';
import { applyLearned } from './learned.ts';

export { ResourceStore, unwrapEnvelope } from './resources.ts';
import { sampleFor, typeOf } from './generate.ts';

/**
 * The order operations run in, so that what one creates the next can use: the auth flow's register
 * and login first, then creations (POST without path parameters), then everything on a resource,
 * DELETEs after that (children first), and last what ends the session: POST/DELETE without path parameters whose
 * success has no body (logout, delete account).
 */
export function orderOperations(ops: Operation[], authPaths: string[]): Operation[] {
  const depth = referenceDepths(ops.filter(createsInCollection));
  const rank = (op: Operation): number => {
    const authIndex = authPaths.indexOf(op.path);
    if (op.method === 'POST' && authIndex >= 0) return authIndex;
    if (endsSession(op)) return 90;
    // A creation whose body references another collection (product_id) after that collection's creation.
    if (createsInCollection(op)) return 10 + (depth.get(op) ?? 0) / 10;
    // A resource whose creation references another (a drone its category) is deleted before it:
    // deleting the category first may take the drone with it (a cascade).
    if (op.method === 'DELETE') return 60 - (depth.get(ops.find((c) => createsInCollection(c) && trimSlash(op.path).startsWith(`${trimSlash(c.path)}/{`)) as Operation) ?? 0) / 10;
    if (op.method === 'POST') return 20;
    if (op.method === 'GET') return 30;
    return 40;
  };
  // DELETEs of children before their parents' (a reply before its post): the longer path first.
  const byLength = (a: Operation, b: Operation) => (a.method === 'DELETE' && b.method === 'DELETE' ? b.path.length - a.path.length : a.path.length - b.path.length);
  return [...ops].sort((a, b) => rank(a) - rank(b) || byLength(a, b) || a.id.localeCompare(b.id));
}

/** How many creations each creation's body references lead through (cart item → product: 1, product: 0). */
function referenceDepths(creations: Operation[]): Map<Operation, number> {
  const stemOfPath = (op: Operation) => stemOf(lastWord(op.path));
  const needs = (op: Operation): Operation[] => {
    const schema = op.body?.media.find((m) => /json/.test(m.contentType))?.schema;
    // What the client sends: a read-only field (a category's list of its drones) is no reference.
    const props = Object.entries((schema?.properties ?? {}) as Record<string, { readOnly?: boolean }>).filter(([, p]) => !p?.readOnly).map(([name]) => name);
    const stems = new Set(props.map((p) => referenceOf(p).stem));
    return creations.filter((c) => c !== op && stems.has(stemOfPath(c)));
  };
  const depths = new Map<Operation, number>();
  const visit = (op: Operation, seen: Set<Operation>): number => {
    if (depths.has(op)) return depths.get(op) as number;
    if (seen.has(op)) return 0;
    seen.add(op);
    const d = Math.min(5, Math.max(0, ...needs(op).map((n) => visit(n, seen) + 1)));
    depths.set(op, d);
    return d;
  };
  for (const op of creations) visit(op, new Set());
  return depths;
}

/**
 * POST/DELETE without path parameters whose success has no body: logout, delete account. A POST
 * also needs a word that says so (logout, sign-out, revoke, end) or no request body: generated
 * documents often give no response bodies at all, and their creations must not be taken for logouts.
 */
export function endsSession(op: Operation): boolean {
  const success = op.responses.find((r) => r.status.startsWith('2'));
  const bodiless = !op.parameters.some((p) => p.in === 'path') && (op.method === 'POST' || op.method === 'DELETE') && success !== undefined && success.content.length === 0;
  if (!bodiless || op.method === 'DELETE') return bodiless;
  return op.body === undefined || /(log-?out|sign-?out|revoke|invalidate|\/end$)/i.test(op.path);
}

/**
 * Admin-only by the document: secured and documents a 403, unless the 403 is an owner's check on a
 * resource normal users create (PUT /posts/{slug} next to POST /posts, which documents no 403).
 */
export function looksAdminOnly(op: Operation, ops: Operation[]): boolean {
  const forbidden = op.responses.find((r) => r.status === '403');
  if (!op.secured || !forbidden) return false;
  // A 403 the document explains by something other than a role (a wrong current password, a locked item) is no admin gate.
  if (forbidden.description && !ROLE_WORDS.test(forbidden.description) && NOT_A_ROLE.test(forbidden.description)) return false;
  return !ops.some((c) => createsInCollection(c) && !c.responses.some((r) => r.status === '403') && op.path.startsWith(`${c.path}/{`));
}

/** Words of a 403 that is about who the caller is. */
const ROLE_WORDS = /admin|role|permission|privilege|staff|superuser|scope|not allowed|forbidden|authori[sz]/i;
/** Words of a 403 that is about the request or the resource, not the caller's role. */
const NOT_A_ROLE = /password|credential|wrong|incorrect|invalid|locked|closed|limit|quota|expired|not (yours|the owner)|own(er|s)?\b/i;

/** A POST without path parameters that does not end the session: it creates something (POST /conversations). */
export function createsInCollection(op: Operation): boolean {
  return op.method === 'POST' && !op.parameters.some((p) => p.in === 'path') && !endsSession(op);
}

/** A valid request for the operation: path from created resources, parameters and body from examples or the schema. */
export function buildRequest(op: Operation, baseUrl: string, store: ResourceStore, session: Record<string, string>, seed: number): { request: HttpRequest; sentParameters: string[]; invented: Invented[] } {
  const { path, invented } = store.resolvePath(op, seed);
  const url = new URL(`${baseUrl}${path}`);
  const headers: Record<string, string> = { ...(op.secured || op.optionalAuth ? headersForSchemes(session, op.schemes) : {}) };
  const sent: string[] = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  for (const p of op.parameters.filter((q) => q.in === 'query' || q.in === 'header')) {
    const reference = p.in === 'query' ? fitReference(store.reference(p.name), p.schema) : undefined;
    const value = reference !== undefined ? String(reference) : parameterValue(p, seed);
    if (p.in === 'query') url.searchParams.set(p.name, value);
    else headers[p.name.toLowerCase()] ??= value;
    sent.push(p.name);
  }
  const request: HttpRequest = { method: op.method, url: url.toString(), headers };
  const json = op.body?.media.find((m) => /json/.test(m.contentType));
  const multipart = op.body?.media.find((m) => m.contentType === 'multipart/form-data');
  if (json) request.body = { json: withReferences(sampleFor(json.schema, seed, json.example), json.schema, store) };
  else if (multipart) request.body = { multipart: multipartFields(multipart.schema, seed) };
  // What the target's answers taught about this operation (learned.ts), for every stage.
  return { request: applyLearned(op, request, store), sentParameters: sent, invented };
}


/** A remembered identifier in the type the field's schema wants (the number 3, or the string "3"). */
function fitReference(value: unknown, schema: Record<string, unknown> | undefined): unknown {
  if (value === undefined) return undefined;
  const type = schema ? typeOf(schema) : undefined;
  if (schema && Array.isArray(schema.enum)) return undefined;
  if ((type === 'integer' || type === 'number') && !Number.isFinite(Number(value))) return undefined;
  if (type === 'integer' || type === 'number') return Number(value);
  if (type === 'string' || type === undefined) return String(value);
  if (type === 'array') return [value];
  return undefined;
}

/**
 * A generated body whose references point at things that exist and that the acting user may use:
 * `accountId`, `from_account_id` / `to_account_id` (two different accounts when there are two),
 * `category` by name, `userId` the user's own id. Made-up numbers there reach nothing but a 404 or a
 * 400. The body's fields, or those inside its one-key wrapper ({"transfer": {...}}).
 */
export function withReferences(body: unknown, schema: Record<string, unknown> | undefined, store: ResourceStore): unknown {
  if (!isObject(body)) return body;
  const properties = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const keys = Object.keys(body);
  const inner = keys.length === 1 && isObject(body[keys[0] as string]) ? (keys[0] as string) : undefined;
  if (inner) return { [inner]: withReferences(body[inner], properties[inner], store) };
  const out: Record<string, unknown> = { ...body };
  const used: unknown[] = [];
  const required = new Set((schema?.required ?? []) as string[]);
  for (const key of new Set([...keys, ...[...required].filter((k) => k in properties)])) {
    const schemaOf = properties[key] ?? (key in out ? { type: typeof out[key] === 'number' ? 'integer' : typeof out[key] === 'string' ? 'string' : 'object' } : undefined);
    // By name only into a plain text field: `"tasks": [...]` is not a reference to /tasks.
    if (referenceOf(key).by === 'name' && (typeof out[key] !== 'string' || (schemaOf && typeOf(schemaOf) !== 'string'))) continue;
    const value = fitReference(store.reference(key, used), schemaOf);
    if (value === undefined) continue;
    out[key] = value;
    used.push(Array.isArray(value) ? value[0] : value, String(Array.isArray(value) ? value[0] : value));
  }
  return out;
}

function parameterValue(p: Parameter, seed: number): string {
  // Paging that shows something: the first page, a small page size within the documented bounds.
  if (p.example === undefined && p.in === 'query' && typeOf(p.schema) === 'integer') {
    const min = typeof p.schema.minimum === 'number' ? p.schema.minimum : undefined;
    const max = typeof p.schema.maximum === 'number' ? p.schema.maximum : undefined;
    if (/^(offset|skip|start)$/i.test(p.name)) return String(Math.max(0, min ?? 0));
    if (/^(page|page_?number)$/i.test(p.name)) return String(Math.max(1, min ?? 1));
    if (/^(limit|size|page_?size|per_?page|count|take|top|max_?results)$/i.test(p.name)) return String(Math.min(max ?? 10, Math.max(min ?? 1, 10)));
  }
  const value = sampleFor(p.schema, seed, p.example);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function multipartFields(schema: Record<string, unknown> | undefined, seed: number): Record<string, { file: string } | string> {
  const fields: Record<string, { file: string } | string> = {};
  for (const [name, prop] of Object.entries((schema?.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    fields[name] = prop.format === 'binary' ? { file: `gauntlet contract sample ${seed}` } : String(sampleFor(prop, seed));
  }
  return fields;
}

/** A value of another JSON type than the schema allows. */
export function wrongTypeValue(schema: Record<string, unknown>): unknown {
  switch (typeOf(schema)) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'not-a-boolean';
    case 'array':
      return 'not-an-array';
    default:
      return 'not-an-object';
  }
}

/** The configured probe, or a secured GET that documents a 2xx and whose parameters Gauntlet fills: its 2xx proves a token works. */
export function findProbe(operations: Operation[], configured: string | undefined): Operation | undefined {
  if (configured) return operations.find((op) => op.id === configured);
  const candidates = operations.filter((op) => op.method === 'GET' && op.secured && op.responses.some((r) => r.status.startsWith('2')));
  // Without parameters first (GET /me); else one whose only required parameters are in its path
  // (GET /accounts/{id}), filled from a resource the user created, the shortest path first.
  return (
    candidates.find((op) => !op.parameters.some((p) => p.required)) ??
    candidates.filter((op) => op.parameters.some((p) => p.in === 'path') && !op.parameters.some((p) => p.required && p.in !== 'path') && !looksAdminOnly(op, operations)).sort((a, b) => a.path.split('/').length - b.path.split('/').length)[0]
  );
}

/** The GET that shows what a path is about: the GET of that path, else of the longest path it starts with (GET /goals/{id} for /goals/{id}/tasks/{taskId}/complete). */
export function readerOf(path: string, operations: Operation[]): Operation | undefined {
  const segments = path.split('/');
  for (let end = segments.length; end > 0; end--) {
    const reader = operations.find((o) => o.method === 'GET' && o.path === segments.slice(0, end).join('/'));
    if (reader) return reader;
  }
  return undefined;
}

/**
 * The list request unfiltered (no search term that matches nothing) and with its largest page: its
 * optional query parameters left out, except a page size (limit, per_page …) set to its maximum.
 */
export function withoutOptionalQuery(op: Operation, request: HttpRequest): HttpRequest {
  const url = new URL(request.url);
  for (const p of op.parameters) {
    if (p.in !== 'query' || p.required) continue;
    if (/limit|size|per.?page|take|top/i.test(p.name) && typeof p.schema.maximum === 'number') url.searchParams.set(p.name, String(p.schema.maximum));
    else url.searchParams.delete(p.name);
  }
  return { ...request, url: url.toString() };
}
