import fc from 'fast-check';
import type { JsonSchema } from './operations.ts';

/**
 * JSON Schema → fast-check arbitrary. Hand-written because no maintained converter exists for
 * fast-check 4; it covers what request schemas use: const/enum, string formats (email, uuid,
 * date-time, date, uri, binary), length and range bounds, arrays, objects (required and optional
 * properties, additionalProperties false), nullable types, and oneOf/anyOf (first branch)/allOf.
 * Values are always valid for the schema; invalid ones are made by the negative checks instead.
 */
export type Mode = 'plain' | 'fuzz';

export function arbitraryFor(schema: JsonSchema | undefined, depth = 0, mode: Mode = 'plain'): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.allOf)) return arbitraryFor(mergeAllOf(schema.allOf as JsonSchema[]), depth + 1, mode);
  const branch = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (Array.isArray(branch) && branch.length) return arbitraryFor(branch[0], depth + 1, mode);
  switch (typeOf(schema)) {
    case 'string':
      return stringArbitrary(schema, mode);
    case 'integer':
      return fc.integer({ min: num(schema.minimum, -1000), max: num(schema.maximum, 1000) });
    case 'number':
      return fc.double({ min: num(schema.minimum, -1000), max: num(schema.maximum, 1000), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryFor(schema.items as JsonSchema | undefined, depth + 1, mode), { minLength: num(schema.minItems, 0), maxLength: Math.min(num(schema.maxItems, 3), 3) });
    default:
      return objectArbitrary(schema, depth, mode);
  }
}

/** One deterministic sample: the example when the schema or media type has one, else a seeded value. */
export function sampleFor(schema: JsonSchema | undefined, seed: number, example?: unknown): unknown {
  if (example !== undefined) return example;
  const examples = schema?.examples;
  if (Array.isArray(examples) && examples.length) return examples[0];
  return fc.sample(arbitraryFor(schema), { seed, numRuns: 1 })[0];
}

export function typeOf(schema: JsonSchema): string {
  const type = schema.type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') as string | undefined) ?? 'null';
  if (typeof type === 'string') return type;
  if (schema.properties) return 'object';
  return 'object';
}

function stringArbitrary(schema: JsonSchema, mode: Mode): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'email':
      return fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/), fc.nat(99_999)).map(([user, n]) => `${user}${n}@example.com`);
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'uri':
      return fc.stringMatching(/^[a-z]{3,8}$/).map((s) => `https://example.com/${s}`);
    case 'binary':
      return fc.string({ minLength: 8, maxLength: 32 });
  }
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
  // A plain value is never empty unless the schema says it may only be: real backends refuse "" for
  // most text fields (a title, a description) even when the document gives no minLength.
  const minLength = num(schema.minLength, mode === 'plain' && num(schema.maxLength, 1) > 0 ? 1 : 0);
  const maxLength = Math.max(minLength, Math.min(num(schema.maxLength, minLength + 20), minLength + 20));
  // plain: letters, digits and spaces, valid for any plain string field and readable in a reproduction.
  // fuzz: printable ASCII with characters that break naive code mixed in (quotes, backslash, %, NUL).
  const unit = mode === 'fuzz' ? fc.oneof({ arbitrary: fc.constantFrom(...READABLE), weight: 3 }, { arbitrary: fc.constantFrom(...TRICKY), weight: 1 }, { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 1 }) : fc.constantFrom(...READABLE);
  return fc.string({ unit, minLength, maxLength });
}

const READABLE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '.split('');
const TRICKY = ["'", '"', '\\', '%', '_', ';', '--', '\u0000', '<', '{', '$'];

function objectArbitrary(schema: JsonSchema, depth: number, mode: Mode): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, prop] of Object.entries(properties)) {
    if (prop.readOnly) continue;
    record[name] = (mode === 'plain' && fittingString(name, prop)) || arbitraryFor(prop, depth + 1, mode);
  }
  const requiredKeys = Object.keys(record).filter((k) => required.has(k));
  return fc.record(record, { requiredKeys });
}

/**
 * A value that fits what a string field's name says it holds, when the schema says no more (no
 * format, pattern or enum): a `username` that is letters and digits, an `email` that is an address, a
 * `url`, a `phone`, a `date`, a `currency` code. Within the schema's length bounds, else not used.
 */
function fittingString(name: string, schema: JsonSchema): fc.Arbitrary<string> | undefined {
  if (typeOf(schema) !== 'string' || schema.format || schema.pattern || schema.enum || 'const' in schema) return undefined;
  const min = num(schema.minLength, 1);
  const max = num(schema.maxLength, 64);
  const fit = (a: fc.Arbitrary<string>) => a.filter((v) => v.length >= min && v.length <= max);
  const n = fc.nat(99_999);
  if (/e-?mail/i.test(name)) return fit(n.map((i) => `user${i}@example.com`));
  if (/(user|login|nick|screen|account)_?name|^login$|^handle$/i.test(name)) {
    // Letters and digits only, sized to the bounds: "adalo123" fits a 5–10 character rule.
    const length = Math.max(min, Math.min(max, 8));
    return fc.stringMatching(new RegExp(`^[a-z][a-z0-9]{${length - 1}}$`));
  }
  if (/(^|_)(url|uri|link|website|homepage)$|Url$|Uri$/i.test(name)) return fit(n.map((i) => `https://example.com/r${i}`));
  if (/phone|mobile|tel$/i.test(name)) return fit(n.map((i) => `+1555${String(i).padStart(7, '0')}`));
  if (/(^|_)date$|Date$|_on$|birthday/i.test(name)) return fit(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
  if (/^currency(_?code)?$/i.test(name)) return fit(fc.constantFrom('EUR', 'USD', 'GBP'));
  return undefined;
}

function mergeAllOf(parts: JsonSchema[]): JsonSchema {
  return parts.reduce<JsonSchema>(
    (acc, part) => ({
      ...acc,
      ...part,
      properties: { ...(acc.properties as object), ...(part.properties as object) },
      required: [...((acc.required as string[]) ?? []), ...((part.required as string[]) ?? [])],
    }),
    {},
  );
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
