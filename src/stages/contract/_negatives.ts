import type { HttpRequest } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { wrongTypeValue } from '../../openapi/plan.ts';

export interface Negative {
  /** "missing required field email" */
  name: string;
  request: HttpRequest;
}

/**
 * Invalid variants of a valid request, each of which the target must refuse with a 4xx:
 * a missing required field, a wrong type, an out-of-range value, an unknown field (in the body, or
 * inside its wrapper when the body is wrapped in one key), malformed JSON, a wrong content type,
 * and a malformed path parameter.
 */
export function negativesFor(op: Operation, valid: HttpRequest, options: { rejectUnknownFields: boolean }): Negative[] {
  const media = op.body?.media.find((m) => /json/.test(m.contentType));
  const body = valid.body && 'json' in valid.body ? valid.body.json : undefined;
  const jsonHeaders = { ...valid.headers, 'content-type': 'application/json' };
  const out: Negative[] = [];
  if (media?.schema && body && typeof body === 'object' && !Array.isArray(body)) {
    // A body wrapped in one key ({ "post": { … } }): the variations go where the fields live.
    const wrapper = wrapperOf(media.schema, body as Record<string, unknown>);
    const rewrap = (json: Record<string, unknown>): HttpRequest => ({ ...valid, headers: jsonHeaders, body: { json: wrapper ? { [wrapper.key]: json } : json } });
    out.push(...fieldVariants(wrapper?.schema ?? media.schema, wrapper?.body ?? (body as Record<string, unknown>), options).map((v) => ({ name: v.name, request: rewrap(v.json) })));
  }
  if (media) {
    out.push({ name: 'malformed JSON', request: { ...valid, headers: jsonHeaders, body: { raw: '{"gauntlet": ' } } });
    out.push({ name: 'wrong content type', request: { ...valid, headers: { ...valid.headers, 'content-type': 'text/plain' }, body: { raw: 'gauntlet' } } });
  }
  // A path parameter whose form the document fixes (a uuid, an integer id): a value of another form.
  const formed = op.parameters.find((p) => p.in === 'path' && (p.schema.format === 'uuid' || p.schema.type === 'integer'));
  if (formed) {
    const url = new URL(valid.url);
    // Counted from the end: the target URL may carry a base path (/api) before the document's path.
    const segments = op.path.split('/');
    const actual = url.pathname.split('/');
    actual[actual.length - segments.length + segments.indexOf(`{${formed.name}}`)] = 'not-a-valid-id';
    url.pathname = actual.join('/');
    out.push({ name: `malformed path parameter ${formed.name}`, request: { ...valid, url: url.toString() } });
  }
  return out;
}

/** The variants of the fields of one object: missing, wrong type, out of range, unknown. */
function fieldVariants(schema: Record<string, unknown>, body: Record<string, unknown>, options: { rejectUnknownFields: boolean }): { name: string; json: Record<string, unknown> }[] {
  const out: { name: string; json: Record<string, unknown> }[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const first = ((schema.required ?? []) as string[])[0];
  if (first) {
    const { [first]: _dropped, ...rest } = body;
    out.push({ name: `missing required field ${first}`, json: rest });
  }
  const typed = first ?? Object.keys(properties)[0];
  if (typed && properties[typed]) out.push({ name: `wrong type for ${typed}`, json: { ...body, [typed]: wrongTypeValue(properties[typed]) } });
  const ranged = Object.entries(properties).find(([, p]) => typeof p.maxLength === 'number' || typeof p.maximum === 'number' || typeof p.minimum === 'number');
  if (ranged) {
    const [name, p] = ranged;
    const value = typeof p.maxLength === 'number' ? 'x'.repeat(p.maxLength + 1) : typeof p.maximum === 'number' ? p.maximum + 1 : (p.minimum as number) - 1;
    out.push({ name: `out-of-range ${name}`, json: { ...body, [name]: value } });
  }
  if (options.rejectUnknownFields && schema.additionalProperties === false) out.push({ name: 'unknown field', json: { ...body, gauntletUnknownField: true } });
  return out;
}

/** The one object-valued property a body schema wraps its fields in, when the body has just that key. */
export function wrapperOf(schema: Record<string, unknown>, body: Record<string, unknown>): { key: string; schema: Record<string, unknown>; body: Record<string, unknown> } | undefined {
  const props = Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>);
  const keys = Object.keys(body);
  if (props.length !== 1 || keys.length !== 1) return undefined;
  const [key, inner] = props[0] as [string, Record<string, unknown>];
  const value = body[key];
  if (keys[0] !== key || !inner.properties || !value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return { key, schema: inner, body: value as Record<string, unknown> };
}
