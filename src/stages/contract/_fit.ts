import type { HttpResponse } from '../../http/send.ts';
import { isObject } from '../../openapi/resources.ts';

/**
 * What a validation error says about the fields of the request it refused, in the common error
 * shapes: pydantic (`detail[].loc`), DRF (`{field: [messages]}`), Joi and celebrate (`"userName"
 * length must be at least 5 characters long`), class-validator (`message[]`), express-validator
 * (`errors[].path`), Gin binding (`Field validation for 'Username' failed on the 'required' tag`) and
 * plain text that names a field. Hand-written: no library reads every framework's error shape, and
 * each rule here is a line of one framework's documented output.
 */
export interface FieldComplaint {
  field: string;
  message: string;
}

/** Keys of the error shapes themselves, never a field of the request (pydantic's `loc`, Joi's `path`, …). */
const META = new Set(['loc', 'path', 'param', 'field', 'property', 'msg', 'message', 'type', 'ctx', 'errors', 'detail', 'constraints', 'error', 'value', 'location', 'code', 'input', 'url', 'children', 'context', 'label', 'key']);
const words = (text: string) => text.toLowerCase();

/** The fields an error answer complains about, among `known` (the body's fields and the schema's), with what it says of each. */
export function complaintsOf(response: HttpResponse, known: string[]): FieldComplaint[] {
  const out: FieldComplaint[] = [];
  // A structured error (a Joi quote, a pydantic loc, a DRF key) may name a field the document leaves
  // out (`"id" is required` in a PATCH body): taken as named. Plain text only names known fields.
  const add = (field: unknown, message: unknown, structured = true) => {
    if (typeof field !== 'string' || field === '' || !/^[A-Za-z_][\w]*$/.test(field) || /^(body|query|path|detail|message|error|errors|non_field_errors|__root__)$/.test(field)) return;
    const match = known.find((k) => k.toLowerCase() === field.toLowerCase()) ?? (structured ? field : undefined);
    if (match && !out.some((c) => c.field === match)) out.push({ field: match, message: typeof message === 'string' ? message : JSON.stringify(message) });
  };
  const json = response.json;
  const visit = (node: unknown, depth: number): void => {
    if (depth > 3) return;
    if (Array.isArray(node)) {
      for (const item of node) {
        if (typeof item === 'string') fromText(item);
        else visit(item, depth + 1);
      }
      return;
    }
    if (!isObject(node)) return;
    // pydantic: { loc: ['body', 'email'], msg }; express-validator: { path | param, msg }; Joi details: { path: ['userName'], message }.
    const loc = node.loc ?? node.path ?? node.param ?? node.field ?? node.property;
    const message = node.msg ?? node.message ?? node.constraints ?? node.error;
    if (loc !== undefined) add(Array.isArray(loc) ? loc.at(-1) : loc, message ?? '');
    for (const [key, value] of Object.entries(node)) {
      // DRF: { "name": ["This field may not be blank."] }, and its nested serializers.
      if (Array.isArray(value) && value.every((v) => typeof v === 'string') && !META.has(key)) add(key, value.join(' '));
      if (typeof value === 'string') fromText(value);
      else visit(value, depth + 1);
    }
  };
  const fromText = (text: string) => {
    // Joi/celebrate: "\"userName\" length must be …"; Gin: "Field validation for 'Username' failed on the 'min' tag".
    // Quoted and followed by what is wrong with it (Joi's `"id" is required`): named; other quoted words only when known.
    for (const m of text.matchAll(/["'`]([A-Za-z_][\w.]*)["'`](\s+(?:is|must|length|not|should|failed|contains|fails))?/g)) add((m[1] as string).split('.').at(-1), text, m[2] !== undefined);
    // class-validator: "email must be an email"; plain text naming a field.
    for (const k of known) if (new RegExp(`(^|[^\\w])${k}([^\\w]|$)`, 'i').test(text)) add(k, text, false);
  };
  if (json !== undefined && json !== null) visit(json, 0);
  else fromText(response.text);
  if (out.length === 0 && typeof json === 'string') fromText(json);
  return out;
}

/** Limits a message states: "at least 5 characters", "length must be less than or equal to 10", "max 8", "between 5 and 10". */
function limits(message: string): { min?: number; max?: number } {
  const m = words(message);
  const between = /between (\d+) and (\d+)/.exec(m);
  if (between) return { min: Number(between[1]), max: Number(between[2]) };
  const min = /(?:at least|greater than or equal to|minimum(?: of| length(?: of)?)?|min(?:imum)?[ :]+|not be shorter than|longer than|more than|greater than)\s*(-?\d+)/.exec(m);
  const max = /(?:at most|less than or equal to|maximum(?: of| length(?: of)?)?|max(?:imum)?[ :]+|no more than|not be longer than|fewer than|shorter than|less than|up to)\s*(-?\d+)/.exec(m);
  return { ...(min ? { min: Number(min[1]) + (/(longer|more|greater) than (?!or)/.test(m) ? 1 : 0) } : {}), ...(max ? { max: Number(max[1]) - (/(fewer|shorter|less) than (?!or)/.test(m) ? 1 : 0) } : {}) };
}

const alnum = (length: number, n: number) => `g${n.toString(36)}${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3)}`.slice(0, Math.max(1, length));

/**
 * A value for a field that fits what the error said of it (and what its name says it holds), unique
 * per `n`: "must be a valid email", "length must be at least 5", "may not be blank", "must be a
 * number", "already exists", "one of [a, b]".
 */
export function fittingValue(field: string, message: string, current: unknown, n: number): unknown {
  const m = words(message);
  const oneOf = /one of\s*(?::\s*|\[)([^\]\n]+)\]?/.exec(message);
  if (oneOf) {
    const first = (oneOf[1] as string).split(/,\s*|\s+or\s+|\|/)[0]?.replace(/^["'\s[]+|["'\s\].]+$/g, '');
    if (first) return first;
  }
  const { min, max } = limits(m);
  if (/number|integer|numeric|decimal|float/.test(m) || typeof current === 'number') {
    const low = min ?? 1;
    const value = max !== undefined && max < low ? max : Math.max(low, 1);
    return /integer|whole/.test(m) || Number.isInteger(current) || current === undefined ? Math.ceil(value) : value;
  }
  if (/bool/.test(m) || typeof current === 'boolean') return true;
  if (/e-?mail/.test(m) || /e-?mail/i.test(field)) return `gauntlet${n}@example.com`;
  if (/\burl\b|\buri\b|link/.test(m) || /(url|uri|link)$/i.test(field)) return `https://example.com/gauntlet-${n}`;
  if (/date/.test(m) || /date$/i.test(field)) return /time/.test(m) ? '2026-01-15T10:00:00Z' : '2026-01-15';
  if (/phone/.test(m) || /phone/i.test(field)) return `+1555${String(1_000_000 + n).slice(-7)}`;
  const length = Math.max(min ?? 0, Math.min(max ?? 12, 12), min ?? 1);
  return alnum(max !== undefined ? Math.min(length, max) : length, n);
}
