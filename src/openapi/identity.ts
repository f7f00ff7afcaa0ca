/**
 * How an API's answers name things: which fields identify a resource (`id`, `pk`, a `url` ending in
 * the id, `slug`, `username`, `*Id`), envelopes and lists around them, paths with or without their
 * trailing slash, and the collection a field's name points to (`from_account_id` → account). Pure
 * functions, shared by the resource store (resources.ts), request building and the checks.
 */

/** Field names that identify a resource: id, slug, username, name, uuid, key, handle, code, and any `*Id` / `*_id`. */
export const isIdentifierKey = (key: string) => /^(id|pk|slug|username|user_?name|login|handle|name|uuid|key|code)$/i.test(key) || /[a-z](Id|_id|_ID)$/.test(key);
export const isIdentifierValue = (v: unknown): v is string | number => (typeof v === 'string' && v.length > 0 && v.length <= 200) || (typeof v === 'number' && Number.isFinite(v));

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
export const hasIdentifier = (o: Record<string, unknown>) => Object.entries(o).some(([k, v]) => isIdentifierKey(k) && isIdentifierValue(v));

/** `{ "data": { "id": … } }`, `{ "post": { "slug": … } }` and other one-key envelopes: the object inside. */
export function unwrapEnvelope(json: unknown): unknown {
  if (!isObject(json) || hasIdentifier(json)) return json;
  const values = Object.values(json);
  return values.length === 1 && isObject(values[0]) ? values[0] : json;
}

/** The elements of a list response: a top-level array, or the one array of an envelope ({ posts: [...], count }). */
export function listItems(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json;
  const inner = unwrapEnvelope(json);
  if (Array.isArray(inner)) return inner;
  if (!isObject(inner)) return undefined;
  const arrays = Object.values(inner).filter(Array.isArray);
  return arrays.length === 1 ? (arrays[0] as unknown[]) : undefined;
}

/** A path without its trailing slash: `/recipes/` and `/recipes` are one collection, `/recipes/{id}/` is its item (Django, DRF, gin). */
export const trimSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/** The value of a field named `name` at any depth (breadth first), e.g. `author.username`. */
export function deepField(node: unknown, name: string, depth = 0): string | number | undefined {
  if (!isObject(node) || depth > 4) return undefined;
  if (isIdentifierValue(node[name])) return node[name];
  for (const value of Object.values(node)) {
    const found = deepField(value, name, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The value of an object for a path parameter: the field of the same name, else its `id` for
 * `{id}`, `{postId}`, `{post_id}`, `{key}`, `{uuid}`.
 */
export function identifierFor(object: Record<string, unknown>, name: string): string | number | undefined {
  if (isIdentifierValue(object[name])) return object[name];
  if ((/^(id|pk|key|uuid)$/i.test(name) || /(Id|_id|_ID)$/.test(name)) && isIdentifierValue(object.id)) return object.id;
  return undefined;
}

/**
 * The object with an `id` when the API names it otherwise: its `pk`, or the last segment of its own
 * `url` (`"url": "http://host/drones/3/"`, DRF's hyperlinked style), so every rule that binds `{id}` works.
 */
export function withId(object: Record<string, unknown>): Record<string, unknown> {
  if (isIdentifierValue(object.id)) return object;
  if (isIdentifierValue(object.pk)) return { ...object, id: object.pk };
  for (const key of ['url', 'href', 'self']) {
    const value = object[key];
    if (typeof value !== 'string') continue;
    const last = /^https?:\/\//.test(value) || value.startsWith('/') ? new URL(value, 'http://x').pathname.split('/').filter(Boolean).at(-1) : undefined;
    if (last && /^(\d+|[0-9a-f-]{32,36})$/i.test(last)) return { ...object, id: /^\d+$/.test(last) ? Number(last) : last };
  }
  return object;
}

/** A name reduced for comparison with a collection's: `drone_category`, `drone-categories` and `DroneCategory` are all `dronecategory`. */
export function stemOf(name: string): string {
  const flat = name.replace(/[-_\s]/g, '').toLowerCase();
  if (flat.endsWith('ies') && flat.length > 4) return `${flat.slice(0, -3)}y`;
  if (/(ss|us)$/.test(flat)) return flat;
  return flat.endsWith('s') && flat.length > 2 ? flat.slice(0, -1) : flat;
}

/**
 * What a body or query field refers to, by its name: `accountId`, `from_account_id`, `category_pk`,
 * `product_url` (→ account, account, category, product) and whether it wants the id, the URL or the
 * name. A field without such a suffix may still name a collection (`"drone_category": "Quadcopter"`):
 * `by: 'name'`.
 */
export function referenceOf(field: string): { stem: string; by: 'id' | 'url' | 'name' } {
  const match = /^(.+?)(?:_?(Id|Ids|ID|Pk|Uuid|Url|URL)|_(id|ids|pk|uuid|url))$/.exec(field);
  const suffix = (match?.[2] ?? match?.[3] ?? '').toLowerCase();
  const base = (match?.[1] ?? field).replace(/^(from|to|source|target|src|dst|dest|destination|parent|related)(_|(?=[A-Z]))/i, '');
  return { stem: stemOf(base), by: suffix === 'url' ? 'url' : suffix ? 'id' : 'name' };
}

/** The identifier values of an object's own fields (its id, slug, username), as strings. */
export const topIdentifiers = (o: Record<string, unknown>) => new Set(Object.entries(o).filter(([k, v]) => isIdentifierKey(k) && isIdentifierValue(v)).map(([, v]) => String(v)));

/** Every identifier value of an object at any depth (ids, slugs, usernames): what a leak of it would show. */
export function identifiersIn(node: unknown, into = new Set<string>(), depth = 0): Set<string> {
  if (Array.isArray(node)) for (const n of node) identifiersIn(n, into, depth + 1);
  else if (isObject(node) && depth < 6) {
    for (const [key, value] of Object.entries(node)) {
      if (isIdentifierKey(key) && isIdentifierValue(value)) into.add(String(value));
      else identifiersIn(value, into, depth + 1);
    }
  }
  return into;
}

/** The fields of a JSON body, inside its one-key wrapper when it has one (`{"user": {"email": …}}`): where generated and learned fields go. */
export function bodyFieldsOf(json: unknown): { wrapper: string | undefined; fields: Record<string, unknown> } {
  const keys = isObject(json) ? Object.keys(json) : [];
  const wrapper = keys.length === 1 && isObject((json as Record<string, unknown>)[keys[0] as string]) ? (keys[0] as string) : undefined;
  return { wrapper, fields: wrapper ? ((json as Record<string, Record<string, unknown>>)[wrapper] as Record<string, unknown>) : isObject(json) ? json : {} };
}

/** The last static word of a path: `items` of `/api/lists/{id}/items/`, `category` of `/api/v1/category/`. */
export const lastWord = (path: string) => trimSlash(path).split('/').filter((s) => s && !s.startsWith('{')).at(-1) ?? '';

/** The field to look a reference up by: a bare `id`, `pk` or `uuid` in a body names the path's own resource (`id` in `PATCH /category/` → `category_id`). */
export const referenceField = (path: string, field: string) => (/^(id|pk|uuid)$/i.test(field) ? `${lastWord(path)}_id` : field);

/** The top-level property names of an object schema, inside a one-key wrapper too (`{ user: { email, bio } }` → email, bio). */
export function topProperties(schema: unknown): string[] {
  const props = isObject(schema) && isObject(schema.properties) ? (schema.properties as Record<string, unknown>) : {};
  const names = Object.keys(props);
  const only = names.length === 1 ? props[names[0] as string] : undefined;
  return isObject(only) && isObject(only.properties) ? Object.keys(only.properties) : names;
}
