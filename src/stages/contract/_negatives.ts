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
 * a missing required field, a wrong type, an out-of-range value, an unknown field, malformed JSON,
 * a wrong content type, and a malformed path parameter.
 */
export function negativesFor(op: Operation, valid: HttpRequest, options: { rejectUnknownFields: boolean }): Negative[] {
  const out: Negative[] = [];
  const media = op.body?.media.find((m) => /json/.test(m.contentType));
  const body = valid.body && 'json' in valid.body ? valid.body.json : undefined;
  const jsonHeaders = { ...valid.headers, 'content-type': 'application/json' };
  if (media?.schema && body && typeof body === 'object' && !Array.isArray(body)) {
    const schema = media.schema;
    const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = (schema.required ?? []) as string[];
    const withBody = (json: unknown): HttpRequest => ({ ...valid, headers: jsonHeaders, body: { json } });
    const first = required[0];
    if (first) {
      const { [first]: _dropped, ...rest } = body as Record<string, unknown>;
      out.push({ name: `missing required field ${first}`, request: withBody(rest) });
    }
    const typed = first ?? Object.keys(properties)[0];
    if (typed && properties[typed]) out.push({ name: `wrong type for ${typed}`, request: withBody({ ...body, [typed]: wrongTypeValue(properties[typed]) }) });
    const ranged = Object.entries(properties).find(([, p]) => typeof p.maxLength === 'number' || typeof p.maximum === 'number' || typeof p.minimum === 'number');
    if (ranged) {
      const [name, p] = ranged;
      const value = typeof p.maxLength === 'number' ? 'x'.repeat(p.maxLength + 1) : typeof p.maximum === 'number' ? p.maximum + 1 : (p.minimum as number) - 1;
      out.push({ name: `out-of-range ${name}`, request: withBody({ ...body, [name]: value }) });
    }
    if (options.rejectUnknownFields && schema.additionalProperties === false) out.push({ name: 'unknown field', request: withBody({ ...body, gauntletUnknownField: true }) });
  }
  if (op.body?.media.some((m) => /json/.test(m.contentType))) {
    out.push({ name: 'malformed JSON', request: { ...valid, headers: jsonHeaders, body: { raw: '{"gauntlet": ' } } });
    out.push({ name: 'wrong content type', request: { ...valid, headers: { ...valid.headers, 'content-type': 'text/plain' }, body: { raw: 'gauntlet' } } });
  }
  const uuidParam = op.parameters.find((p) => p.in === 'path' && p.schema.format === 'uuid');
  if (uuidParam) {
    const url = new URL(valid.url);
    // Counted from the end: the target URL may carry a base path (/api) before the document's path.
    const segments = op.path.split('/');
    const actual = url.pathname.split('/');
    actual[actual.length - segments.length + segments.indexOf(`{${uuidParam.name}}`)] = 'not-a-valid-id';
    url.pathname = actual.join('/');
    out.push({ name: `malformed path parameter ${uuidParam.name}`, request: { ...valid, url: url.toString() } });
  }
  return out;
}
