import type { HttpRequest, HttpResponse } from '../http/send.ts';
import { sampleFor } from './generate.ts';
import { deepField, hasIdentifier, identifierFor, isIdentifierValue, isObject, listItems, referenceOf, stemOf, topIdentifiers, trimSlash, unwrapEnvelope, withId } from './identity.ts';
import { responseFor, type Operation } from './operations.ts';

export { bodyFieldsOf, deepField, identifierFor, identifiersIn, isIdentifierKey, isObject, lastWord, listItems, referenceField, referenceOf, stemOf, trimSlash, unwrapEnvelope, withId } from './identity.ts';

/**
 * What the API returned, so later requests can address it by whatever key the API uses: `{id}`,
 * `{slug}`, `{username}`, or a numeric `{id}` of a child under its parent (`/posts/{slug}/replies/{id}`).
 *
 * Hand-written: no library binds OpenAPI path parameters to earlier responses without `links`
 * (which most documents lack), and the rules below are what a person reading the paths would do.
 */

/** Where an object came from: this actor's own creation, or a read (lists show other people's things too). */
type Origin = 'created' | 'seen';

interface Entry {
  object: Record<string, unknown>;
  origin: Origin;
  /** The collection's path with its parameters ("/api/posts/{slug}/replies"). */
  template: string;
  /** When it was first remembered: the newest across collections comes first (byStem). */
  at: number;
}

/** A path parameter Gauntlet had to make up: nothing the API returned resolves it. */
export interface Invented {
  name: string;
  value: string;
}

export interface ResolvedPath {
  path: string;
  resolved: boolean;
  /** The made-up values; empty when `resolved`. */
  invented: Invented[];
}

/** The path of a request's URL, or the operation's own path when it has no parameters. */
const pathOf = (op: Operation, request?: HttpRequest) => trimSlash(request ? new URL(request.url).pathname : op.path);
const endsWithParameter = (template: string) => /\/\{[^}/]+\}$/.test(trimSlash(template));
const parent = (path: string) => path.replace(/\/[^/]+$/, '');

/**
 * Objects the API returned, by the concrete path of their collection ("/api/posts/hello/replies"),
 * and parameter values that OpenAPI links of earlier responses provide for later operations.
 */
export class ResourceStore {
  private readonly byCollection = new Map<string, Entry[]>();
  private readonly linked = new Map<string, Record<string, unknown>>();
  private clock = 0;

  /**
   * Remembers what a 2xx response shows: a creation's object, a list's items, a read's object; an
   * update's answer replaces the object it was sent to (a renamed slug is followed).
   */
  remember(op: Operation, response: HttpResponse, request?: HttpRequest): void {
    this.follow(op, response);
    if (response.status < 200 || response.status >= 300) return;
    const path = pathOf(op, request);
    const template = trimSlash(op.path);
    const onItem = endsWithParameter(op.path);
    if (op.method === 'POST' && !onItem) return this.rememberCreation(op, response, path);
    if (op.method === 'GET' && !onItem) {
      const items = listItems(response.json);
      for (const item of items ?? []) if (isObject(item) && hasIdentifier(withId(item))) this.add(path, template, withId(item), 'seen');
      // A named list whose answer is an owner holding the array ({ id, Accounts: [...] } for GET /account/user-accounts):
      // each array of objects at the top, under the collection its name says.
      const body = unwrapEnvelope(response.json);
      if (items === undefined && isObject(body)) {
        for (const [key, value] of Object.entries(body)) {
          if (!Array.isArray(value)) continue;
          for (const item of value) if (isObject(item) && hasIdentifier(withId(item))) this.add(`${parent(path)}/${key}`, `${parent(template)}/${key}`, withId(item), 'seen');
        }
      }
      // A record of its own (GET /me, GET /user), maybe with arrays of plain values (`roles: ["user"]`):
      // its fields name things other paths take (`{username}`, `{email}`).
      if (!items?.some(isObject) && isObject(body) && !Object.values(body).some((v) => Array.isArray(v) && v.some(isObject)) && hasIdentifier(withId(body)) && !this.byCollection.get(path)?.some((e) => e.object.id === withId(body).id)) this.add(path, template, withId(body), 'seen');
      return;
    }
    const rawBody = unwrapEnvelope(response.json);
    const body = isObject(rawBody) ? withId(rawBody) : rawBody;
    if (!onItem || !isObject(body) || !hasIdentifier(body) || !['GET', 'PUT', 'PATCH'].includes(op.method)) return;
    const collection = parent(path);
    const key = decodeURIComponent(path.split('/').at(-1) ?? '');
    const list = this.byCollection.get(collection) ?? [];
    const known = list.find((e) => topIdentifiers(e.object).has(key));
    if (!known) return this.add(collection, parent(template), body, 'seen');
    known.object = body;
    // Renamed (a new title gave a new slug): its children's collections move with it.
    const renamed = identifierFor(body, /\{([^}]+)\}$/.exec(template)?.[1] ?? 'id');
    if (renamed === undefined || String(renamed) === key) return;
    const from = `${collection}/${encodeURIComponent(key)}/`;
    for (const [path, entries] of [...this.byCollection.entries()]) {
      if (!path.startsWith(from)) continue;
      this.byCollection.delete(path);
      this.byCollection.set(`${collection}/${encodeURIComponent(String(renamed))}/${path.slice(from.length)}`, entries);
    }
  }

  private rememberCreation(op: Operation, response: HttpResponse, path: string): void {
    let body = unwrapEnvelope(response.json);
    const location = response.headers.get('location');
    if ((!isObject(body) || !hasIdentifier(body)) && location) {
      // 201 + Location: /things/42 (and maybe no body): the created resource's id is the last segment.
      body = { ...(isObject(body) ? body : {}), id: decodeURIComponent(new URL(location, 'http://x').pathname.split('/').filter(Boolean).at(-1) ?? '') };
    }
    if (isObject(body) && hasIdentifier(withId(body))) this.add(path, trimSlash(op.path), withId(body), 'created');
  }

  /**
   * A copy that forgets and learns on its own: what a probe creates and destroys in the copy leaves
   * this store (what other checks rely on) as it was.
   */
  clone(): ResourceStore {
    const copy = new ResourceStore();
    for (const [collection, list] of this.byCollection) copy.byCollection.set(collection, list.map((e) => ({ ...e })));
    for (const [id, values] of this.linked) copy.linked.set(id, { ...values });
    copy.self = this.self;
    copy.identity = this.identity;
    copy.clock = this.clock;
    return copy;
  }

  /** An object this actor did not get from the API (its own account, read from a probe). */
  adopt(template: string, object: Record<string, unknown>): void {
    if (hasIdentifier(withId(object))) this.add(trimSlash(template), trimSlash(template), withId(object), 'created');
  }

  private add(collection: string, template: string, object: Record<string, unknown>, origin: Origin): void {
    const list = this.byCollection.get(collection) ?? [];
    const ids = topIdentifiers(object);
    const same = list.findIndex((e) => (e.object.id !== undefined ? e.object.id === object.id : [...topIdentifiers(e.object)].some((v) => ids.has(v))));
    // Seen again (a list read after it was created): the newer copy, in its old place, so a list
    // read does not reorder what "the latest" is.
    if (same >= 0) list[same] = { object, template, origin: list[same]?.origin === 'created' ? 'created' : origin, at: list[same]?.at ?? ++this.clock };
    else list.push({ object, template, origin, at: ++this.clock });
    this.byCollection.set(collection, list);
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

  /** After a successful DELETE of `<collection>/{key}`: the object it was sent to is gone. */
  forget(op: Operation, request?: HttpRequest): void {
    if (op.method !== 'DELETE' || !endsWithParameter(op.path)) return;
    const path = pathOf(op, request);
    const key = decodeURIComponent(path.split('/').at(-1) ?? '');
    if (!request) {
      const list = this.byCollection.get(parent(path));
      const index = list?.findLastIndex((e) => e.origin === 'created') ?? -1;
      if (index >= 0) list?.splice(index, 1);
      return;
    }
    // Gone: the object itself, its copies in other answers (a like's answer shows the post), its children.
    for (const [collection, list] of [...this.byCollection.entries()]) {
      if (collection.startsWith(`${path}/`)) this.byCollection.delete(collection);
      else if (collection === parent(path) || collection.startsWith(`${parent(path)}/`)) this.byCollection.set(collection, list.filter((e) => !topIdentifiers(e.object).has(key)));
    }
  }

  /** What this actor created (not what it only read), with the concrete path of its collection. */
  created(): { collection: string; template: string; object: Record<string, unknown> }[] {
    return [...this.byCollection.entries()].flatMap(([collection, list]) => list.filter((e) => e.origin === 'created').map((e) => ({ collection, template: e.template, object: e.object })));
  }

  /** Newest first, this actor's creations before what it only read. */
  private candidates(collection: string): Entry[] {
    const list = [...(this.byCollection.get(collection) ?? [])].reverse();
    return [...list.filter((e) => e.origin === 'created'), ...list.filter((e) => e.origin === 'seen')];
  }

  /**
   * What the collections whose name says `stem` hold, newest and own first: `/api/lists/5/items` for
   * `/api/items/{id}` (nested create, flat item routes), `/account` for `{accountId}` or `accountId`.
   */
  private byStem(stem: string, nestedFirst = false): Entry[] {
    const named = [...this.byCollection.keys()].filter((c) => stemOf(c.split('/').at(-1) ?? '') === stem);
    // For a flat item route (/items/{id}): what was created under a parent (/lists/5/items) before a
    // collection of its own path (/cart/items), which would have item routes of its own.
    if (nestedFirst) named.sort((a, b) => Number(this.isNested(b)) - Number(this.isNested(a)));
    const all = named.flatMap((c, rank) => this.candidates(c).map((e) => ({ e, rank })));
    // Own creations first, newest first across collections (a probe's fresh item under another list wins);
    // nested collections before flat ones when asked.
    const order = (a: { e: Entry; rank: number }, b: { e: Entry; rank: number }) => (nestedFirst ? Number(this.isNested(named[b.rank] as string)) - Number(this.isNested(named[a.rank] as string)) : 0) || b.e.at - a.e.at;
    const created = all.filter((x) => x.e.origin === 'created').sort(order);
    return [...created, ...all.filter((x) => x.e.origin === 'seen')].map((x) => x.e);
  }

  private isNested(collection: string): boolean {
    return this.byCollection.get(collection)?.some((e) => e.template.includes('{')) ?? false;
  }

  /** The acting user's own id, from its login or registration (for `userId`, `owner_id` in bodies). */
  self: string | number | undefined;

  /**
   * The acting user's own identity values (its email, username, phone from its credentials): what a
   * path parameter of that name (`/members/{email}/follow`) takes when nothing the API returned holds one.
   */
  identity: Record<string, string> = {};

  private ownField(name: string): string | undefined {
    const key = name.toLowerCase().replace(/[_-]/g, '');
    return Object.entries(this.identity).find(([k]) => k.toLowerCase().replace(/[_-]/g, '') === key)?.[1];
  }

  /**
   * A value for a body or query field that refers to a resource (`accountId`, `to_account_id`,
   * `category`, `product_url`): the id, URL or name of an object of that collection, own ones first;
   * `skip` objects already used by a sibling field (a transfer from one account to another).
   * `userId`, `ownerId` and the like without a collection of their own: the acting user's id.
   */
  reference(field: string, skip: unknown[] = []): unknown {
    const usable = this.references(field);
    return usable.find((v) => !skip.includes(v)) ?? usable[0];
  }

  /** Every value `reference(field)` could give, own creations first; the user's own id for `userId` and the like. */
  references(field: string): unknown[] {
    const { stem, by } = referenceOf(field);
    if (stem.length < 2) return [];
    const pick = (e: Entry) => (by === 'url' ? e.object.url : by === 'name' ? (e.object.name ?? e.object.slug) : e.object.id);
    const usable = this.byStem(stem).map(pick).filter((v) => isIdentifierValue(v));
    if (usable.length > 0) return usable;
    if (by === 'id' && /^(user|owner|author|creator|account_?holder|member|profile)$/.test(stem) && this.self !== undefined) return [this.self];
    return [];
  }

  /** A value for a parameter from anything remembered: `{username}` takes `author.username` of a post. */
  private anywhere(name: string): string | number | undefined {
    const all = [...this.byCollection.keys()].flatMap((c) => this.candidates(c));
    for (const origin of ['created', 'seen'] as const) {
      for (const e of all.filter((x) => x.origin === origin)) {
        const found = deepField(e.object, name);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /**
   * A value for each path parameter, bound by position and by name:
   * - `{slug}` after `/posts` takes the `slug` (or for `{id}`/`{postId}`, the `id`) of a post the API
   *   returned for that collection; a child's `{id}` after `/posts/hello/replies` one of that post's replies;
   * - `{taskId}` after `/goals/{id}/tasks` an element of the `tasks` array of that goal;
   * - a named key no collection holds (`{username}`) any field of that name at any depth (`author.username`);
   * - OpenAPI links win over all of these.
   * What nothing resolves gets a generated value, listed in `invented`.
   */
  resolvePath(op: Operation, seed: number): ResolvedPath {
    const segments = op.path.split('/');
    const invented: Invented[] = [];
    let parentObject: Record<string, unknown> | undefined;
    for (let i = 0; i < segments.length; i++) {
      const match = /^\{(.+)\}$/.exec(segments[i] as string);
      if (!match) continue;
      const name = match[1] as string;
      const collection = segments.slice(0, i).join('/');
      const owner = segments[i - 1] ?? '';
      const viaLink = op.operationId ? this.linked.get(op.operationId)?.[name] : undefined;
      let object: Record<string, unknown> | undefined;
      let value: unknown = viaLink;
      if (value === undefined) {
        object = this.candidates(collection).find((e) => identifierFor(e.object, name) !== undefined)?.object;
        if (!object && parentObject && Array.isArray(parentObject[owner])) object = (parentObject[owner] as unknown[]).find((o): o is Record<string, unknown> => isObject(o) && identifierFor(o, name) !== undefined);
        // The first parameter of the path, where no collection of that path holds anything: a
        // collection of the same name elsewhere (items created under /lists/5/items, read at
        // /items/{id}), or the one the parameter's name points to (`{accountId}` → /account).
        if (!object && !op.path.slice(0, op.path.indexOf(segments[i] as string)).includes('{')) {
          object = [...this.byStem(stemOf(owner), true), ...this.byStem(referenceOf(name).stem)].find((e) => identifierFor(e.object, name) !== undefined)?.object;
        }
        value = object ? identifierFor(object, name) : /^id$/i.test(name) ? undefined : (this.anywhere(name) ?? this.ownField(name));
      }
      if (value === undefined) {
        const param = op.parameters.find((p) => p.in === 'path' && p.name === name);
        value = sampleFor(param?.schema, seed, param?.example);
        invented.push({ name, value: String(value) });
      }
      segments[i] = encodeURIComponent(String(value));
      parentObject = object;
    }
    return { path: segments.join('/'), resolved: invented.length === 0, invented };
  }
}

/** The answers a made-up path value deserves (bad input, not found, conflict, gone, unprocessable): they prove nothing about the code behind it. */
export const deservedByMadeUp = (status: number) => [400, 404, 409, 410, 422].includes(status);

/** How a check says that it ran on made-up values: "{slug} = 'x' was made up (nothing the API returned resolves it)". */
export function describeInvented(invented: Invented[]): string {
  return `${invented.map((i) => `{${i.name}} = ${JSON.stringify(i.value)}`).join(', ')} ${invented.length === 1 ? 'was' : 'were'} made up: nothing the API returned resolves ${invented.length === 1 ? 'it' : 'them'}`;
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
