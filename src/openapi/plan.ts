import type { HttpRequest, HttpResponse } from '../http/send.ts';
import { responseFor, type Operation, type Parameter } from './operations.ts';
import { sampleFor, typeOf } from './generate.ts';

/**
 * The order operations run in, so that what one creates the next can use: the auth flow's register
 * and login first, then creations (POST without path parameters), then everything on a resource,
 * DELETEs after that, and last what ends the session: POST/DELETE without path parameters whose
 * success has no body (logout, delete account).
 */
export function orderOperations(ops: Operation[], authPaths: string[]): Operation[] {
  const rank = (op: Operation): number => {
    const authIndex = authPaths.indexOf(op.path);
    if (op.method === 'POST' && authIndex >= 0) return authIndex;
    if (endsSession(op)) return 90;
    if (createsInCollection(op)) return 10;
    if (op.method === 'DELETE') return 60;
    if (op.method === 'POST') return 20;
    if (op.method === 'GET') return 30;
    return 40;
  };
  return [...ops].sort((a, b) => rank(a) - rank(b) || a.path.length - b.path.length || a.id.localeCompare(b.id));
}

/** POST/DELETE without path parameters whose success has no body: logout, delete account. */
export function endsSession(op: Operation): boolean {
  const success = op.responses.find((r) => r.status.startsWith('2'));
  return !op.parameters.some((p) => p.in === 'path') && (op.method === 'POST' || op.method === 'DELETE') && success !== undefined && success.content.length === 0;
}

/** A POST without path parameters that does not end the session: it creates something (POST /conversations). */
export function createsInCollection(op: Operation): boolean {
  return op.method === 'POST' && !op.parameters.some((p) => p.in === 'path') && !endsSession(op);
}

/**
 * Objects the API returned, by the path of the operation that created them ("/conversations"), and
 * parameter values that OpenAPI links of earlier responses provide for later operations.
 */
export class ResourceStore {
  private readonly byCollection = new Map<string, Record<string, unknown>[]>();
  private readonly linked = new Map<string, Record<string, unknown>>();

  remember(op: Operation, response: HttpResponse): void {
    this.follow(op, response);
    if (op.method !== 'POST') return;
    let body = unwrapEnvelope(response.json);
    const location = response.headers.get('location');
    if ((!body || typeof body !== 'object' || !('id' in body)) && location) {
      // 201 + Location: /things/42 (and maybe no body): the created resource's id is the last segment.
      body = { ...(body && typeof body === 'object' ? body : {}), id: decodeURIComponent(new URL(location, 'http://x').pathname.split('/').filter(Boolean).at(-1) ?? '') };
    }
    if (!body || typeof body !== 'object' || Array.isArray(body) || !('id' in body)) return;
    const list = this.byCollection.get(op.path) ?? [];
    list.push(body as Record<string, unknown>);
    this.byCollection.set(op.path, list);
  }

  /** OpenAPI links of the response: `$response.body#/pointer` and `$response.header.Name` expressions. */
  private follow(op: Operation, response: HttpResponse): void {
    for (const link of responseFor(op, response.status)?.links ?? []) {
      const values = this.linked.get(link.operationId) ?? {};
      for (const [param, expression] of Object.entries(link.parameters)) {
        const value = evaluate(expression, response);
        if (value !== undefined) values[param] = value;
      }
      this.linked.set(link.operationId, values);
    }
  }

  /** After a successful DELETE of `<collection>/{id}`: the resource it used (the latest of that collection) is gone. */
  forget(op: Operation): void {
    if (op.method !== 'DELETE') return;
    const collection = op.path.replace(/\/\{[^}]+\}$/, '');
    this.byCollection.get(collection)?.pop();
  }

  created(): { collection: string; object: Record<string, unknown> }[] {
    return [...this.byCollection.entries()].flatMap(([collection, list]) => list.map((object) => ({ collection, object })));
  }

  /**
   * A value for each path parameter: `{id}` after `/conversations` is the id of a conversation
   * created by `POST /conversations`; `{taskId}` after `/goals/{id}/tasks` is the id of an element
   * of the `tasks` array of that goal. Unresolvable parameters get a generated value.
   */
  resolvePath(op: Operation, seed: number): { path: string; resolved: boolean } {
    const segments = op.path.split('/');
    let parent: Record<string, unknown> | undefined;
    let resolved = true;
    for (let i = 0; i < segments.length; i++) {
      const match = /^\{(.+)\}$/.exec(segments[i] as string);
      if (!match) continue;
      const name = match[1] as string;
      const collection = segments.slice(0, i).join('/');
      const owner = segments[i - 1] ?? '';
      const fromCollection = this.byCollection.get(collection)?.at(-1);
      const fromParent = parent && Array.isArray(parent[owner]) ? (parent[owner] as Record<string, unknown>[]).find((o) => o && typeof o === 'object' && 'id' in o) : undefined;
      const object = fromCollection ?? fromParent;
      const viaLink = op.operationId ? this.linked.get(op.operationId)?.[name] : undefined;
      const value = viaLink ?? object?.id ?? object?.[name];
      if (value === undefined) resolved = false;
      const param = op.parameters.find((p) => p.in === 'path' && p.name === name);
      segments[i] = encodeURIComponent(String(value ?? sampleFor(param?.schema, seed, param?.example)));
      parent = object;
    }
    return { path: segments.join('/'), resolved };
  }
}

/** `{ "data": { "id": … } }` and other one-key envelopes: the object inside. */
export function unwrapEnvelope(json: unknown): unknown {
  if (!json || typeof json !== 'object' || Array.isArray(json) || 'id' in json) return json;
  const values = Object.values(json);
  return values.length === 1 && values[0] && typeof values[0] === 'object' && !Array.isArray(values[0]) ? values[0] : json;
}

function evaluate(expression: string, response: HttpResponse): unknown {
  const header = /^\$response\.header\.(.+)$/.exec(expression);
  if (header) return response.headers.get(header[1] as string) ?? undefined;
  const pointer = /^\$response\.body#(.*)$/.exec(expression);
  if (!pointer) return undefined;
  return (pointer[1] as string)
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), response.json);
}

/** A valid request for the operation: path from created resources, parameters and body from examples or the schema. */
export function buildRequest(op: Operation, baseUrl: string, store: ResourceStore, session: Record<string, string>, seed: number): { request: HttpRequest; sentParameters: string[] } {
  const { path } = store.resolvePath(op, seed);
  const url = new URL(`${baseUrl}${path}`);
  const headers: Record<string, string> = { ...(op.secured ? session : {}) };
  const sent: string[] = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  for (const p of op.parameters.filter((q) => q.in === 'query' || q.in === 'header')) {
    const value = parameterValue(p, seed);
    if (p.in === 'query') url.searchParams.set(p.name, value);
    else headers[p.name.toLowerCase()] ??= value;
    sent.push(p.name);
  }
  const request: HttpRequest = { method: op.method, url: url.toString(), headers };
  const json = op.body?.media.find((m) => /json/.test(m.contentType));
  const multipart = op.body?.media.find((m) => m.contentType === 'multipart/form-data');
  if (json) request.body = { json: sampleFor(json.schema, seed, json.example) };
  else if (multipart) request.body = { multipart: multipartFields(multipart.schema, seed) };
  return { request, sentParameters: sent };
}

function parameterValue(p: Parameter, seed: number): string {
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
