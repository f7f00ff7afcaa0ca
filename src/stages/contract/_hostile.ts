import type { HttpRequest } from '../../http/send.ts';
import { typeOf } from '../../openapi/generate.ts';
import type { JsonSchema, Operation } from '../../openapi/operations.ts';
import { breaksShape } from '../../openapi/validate.ts';

/**
 * Boundary and hostile values for every parameter and every body field at any depth (issue: the
 * bugs real services ship are at the edges the document does not draw). Each value says whether
 * the document forbids it: a forbidden value must be refused with a 4xx; any other must not break
 * the target (no 5xx, no crash, no leaked internals), whatever the status.
 */
export interface HostileValue {
  /** "negative", "65536 characters", "null", "an array instead of a string" … */
  kind: string;
  value: unknown;
  /** The document forbids it (below minimum, too long, wrong type, null where not nullable). */
  forbidden: boolean;
}

/** Where a value goes: a query or path parameter, or a body field (its path of keys). */
export interface Slot {
  /** "query.limit", "path.id", "body.article.title" */
  where: string;
  schema: JsonSchema;
  required: boolean;
  in: 'query' | 'path' | 'body';
  keys: string[];
}

const LONG = [256, 4_096, 65_536];
/** A NUL (Postgres text cannot hold it), and control and bidi characters outside Latin-1 (terminal escapes, right-to-left override). */
const NUL = 'a\u0000b';
const CONTROL = 'a\u0007b\u001b[0mc\u202ed';
/** 2^31 (one past int32) and 2^63 (one past int64): integer columns and parsers overflow here. */
const BIG = [2 ** 31, 2 ** 63];

export function hostileValues(schema: JsonSchema, slot: Pick<Slot, 'in' | 'required'>): HostileValue[] {
  const type = typeOf(schema);
  const out: HostileValue[] = [];
  const enumerated = Array.isArray(schema.enum) || 'const' in schema;
  if (type === 'integer' || type === 'number') {
    const min = num(schema.minimum) ?? (typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined);
    const max = num(schema.maximum) ?? (typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined);
    const below = (v: number) => (min !== undefined && (v < min || (v === min && typeof schema.exclusiveMinimum === 'number'))) || enumerated;
    const above = (v: number) => (max !== undefined && (v > max || (v === max && typeof schema.exclusiveMaximum === 'number'))) || enumerated;
    if (min !== undefined) out.push({ kind: `below the minimum (${min - 1})`, value: min - 1, forbidden: true });
    if (max !== undefined) out.push({ kind: `above the maximum (${max + 1})`, value: max + 1, forbidden: true });
    if (min === undefined || min - 1 !== -1) out.push({ kind: 'negative (-1)', value: -1, forbidden: below(-1) });
    if (min === undefined || min - 1 !== 0) out.push({ kind: 'zero', value: 0, forbidden: below(0) || above(0) });
    for (const big of BIG) out.push({ kind: big === 2 ** 31 ? '2^31' : '2^63', value: big, forbidden: above(big) });
    out.push({ kind: 'not a number', value: 'abc', forbidden: true });
  } else if (type === 'string') {
    const maxLength = num(schema.maxLength);
    // Forbidden by its shape only when the value really breaks it (a `^.*$` pattern takes 4,096 "x"s).
    const shaped = (value: string) => (typeof schema.format === 'string' || typeof schema.pattern === 'string' || enumerated) && breaksShape(schema, value);
    // Path segments stay short enough for any server's URL limit (8 KiB is common): 256 characters only.
    for (const length of slot.in === 'path' ? [256] : LONG) {
      const value = 'x'.repeat(length);
      out.push({ kind: `${length} characters`, value, forbidden: (maxLength !== undefined && length > maxLength) || shaped(value) });
    }
    const outOfLength = (text: string) => (maxLength !== undefined && text.length > maxLength) || (typeof schema.minLength === 'number' && text.length < schema.minLength);
    out.push({ kind: 'a NUL character', value: NUL, forbidden: shaped(NUL) || outOfLength(NUL) });
    out.push({ kind: 'control and right-to-left characters', value: CONTROL, forbidden: shaped(CONTROL) || outOfLength(CONTROL) });
    if (slot.in !== 'body' && schema.format !== undefined) out.push({ kind: `not a ${String(schema.format)}`, value: '-1', forbidden: true });
  } else if (type === 'boolean' && slot.in !== 'body') {
    out.push({ kind: 'not a boolean', value: 'maybe', forbidden: true });
  }
  if (slot.in !== 'body') return out;
  // Only a JSON body can carry null and another container type. null is sent where the document
  // allows it too: a handler that was told null may come must cope with it.
  out.push({ kind: 'null', value: null, forbidden: !nullable(schema) });
  if (type !== 'array') out.push({ kind: `an array instead of ${article(type)}`, value: [], forbidden: true });
  if (type !== 'object') out.push({ kind: `an object instead of ${article(type)}`, value: {}, forbidden: true });
  if (type === 'array' || type === 'object') out.push({ kind: `a string instead of ${article(type)}`, value: 'x', forbidden: true });
  return out;
}

/** Every parameter and body field of the operation (nested objects to depth 3, wrapped bodies included). */
export function slotsOf(op: Operation, body: unknown): Slot[] {
  const slots: Slot[] = op.parameters.filter((p) => p.in === 'query' || p.in === 'path').map((p) => ({ where: `${p.in}.${p.name}`, schema: p.schema, required: p.required, in: p.in as 'query' | 'path', keys: [p.name] }));
  const schema = op.body?.media.find((m) => /json/.test(m.contentType))?.schema;
  if (schema && body && typeof body === 'object' && !Array.isArray(body)) walk(schema, [], 0);
  return slots;

  function walk(object: JsonSchema, keys: string[], depth: number): void {
    const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((object.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(properties)) {
      if (prop.readOnly) continue;
      const path = [...keys, name];
      slots.push({ where: `body.${path.join('.')}`, schema: prop, required: required.has(name), in: 'body', keys: path });
      if (typeOf(prop) === 'object' && prop.properties && depth < 2) walk(prop, path, depth + 1);
    }
  }
}

/** The valid request with one slot's value replaced (a missing parent object of a body field is created). */
export function withValue(op: Operation, valid: HttpRequest, slot: Slot, value: unknown): HttpRequest {
  if (slot.in === 'query') {
    const url = new URL(valid.url);
    url.searchParams.set(slot.keys[0] as string, String(value));
    return { ...valid, url: url.toString() };
  }
  if (slot.in === 'path') {
    const url = new URL(valid.url);
    // Counted from the end: the target URL may carry a base path (/api) before the document's path.
    const template = op.path.split('/');
    const segments = url.pathname.split('/');
    segments[segments.length - template.length + template.indexOf(`{${slot.keys[0] as string}}`)] = encodeURIComponent(String(value));
    url.pathname = segments.join('/');
    return { ...valid, url: url.toString() };
  }
  const body = structuredClone(valid.body && 'json' in valid.body ? valid.body.json : {}) as Record<string, unknown>;
  let node = body;
  for (const key of slot.keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object' || Array.isArray(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[slot.keys.at(-1) as string] = value;
  return { ...valid, headers: { ...valid.headers, 'content-type': 'application/json' }, body: { json: body } };
}

function nullable(schema: JsonSchema): boolean {
  if (schema.nullable === true) return true;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  const branches = [...((schema.oneOf ?? []) as JsonSchema[]), ...((schema.anyOf ?? []) as JsonSchema[])];
  return branches.some((b) => b.type === 'null' || nullable(b));
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
