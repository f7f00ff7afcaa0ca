import { curl, isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { bodyFieldsOf, isObject } from '../../openapi/identity.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';

/**
 * Content-type confusion (issue #26's seventh property): a body the operation refuses as JSON (a
 * required field left out) is sent again as `application/x-www-form-urlencoded` and as
 * `multipart/form-data`. It must be refused (a 415 too) there: a form parser that skips the
 * validation the JSON route has lets invalid data in. Only flat bodies (a form has no nesting), and
 * only when JSON really refuses the invalid body. The multipart body is written here (a boundary and
 * a part per field): a library would add a dependency for ten lines.
 */
export async function contentTypeCheck(op: Operation, valid: HttpRequest, send: (r: HttpRequest) => Promise<HttpResponse>): Promise<CheckResult | undefined> {
  if (!['POST', 'PUT', 'PATCH'].includes(op.method) || !valid.body || !('json' in valid.body)) return undefined;
  const { wrapper, fields } = bodyFieldsOf(valid.body.json);
  const schema = op.body?.media.find((m) => /json/.test(m.contentType))?.schema as Record<string, unknown> | undefined;
  const required = Array.isArray(schema?.required) ? (schema.required as string[]) : [];
  const missing = required.find((f) => typeof fields[f] === 'string');
  if (wrapper || !missing || Object.values(fields).some((v) => isObject(v) || Array.isArray(v))) return undefined;
  const invalid = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== missing));
  const asJson = await send({ ...valid, body: { json: invalid } });
  if (asJson.status < 400 || asJson.status >= 500) return undefined; // JSON does not refuse it: nothing to compare (the negatives say so)
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(invalid)) form.set(k, v === null ? '' : String(v));
  const headers = Object.fromEntries(Object.entries(valid.headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
  const asForm: HttpRequest = { ...valid, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: { raw: form.toString() } };
  const asMultipart: HttpRequest = { ...valid, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: { raw: multipart(invalid) } };
  const id = `contract:${op.id}:content-type`;
  const title = `${op.id} refuses as a form (urlencoded or multipart) what it refuses as JSON`;
  const problems: string[] = [];
  let failing: { request: HttpRequest; response: HttpResponse } | undefined;
  for (const [kind, sent] of [['a form', asForm], ['multipart', asMultipart]] as const) {
    const response = await send(sent);
    if (response.status >= 200 && response.status < 300) problems.push(`without "${missing}" the body is refused as JSON (${asJson.status}) but accepted as ${kind} (${response.status}): another content type skips the validation`);
    else if (isServerError(response)) problems.push(`without "${missing}", sent as ${kind}, it answered ${response.status}: a server error (as JSON: ${asJson.status})`);
    else continue;
    failing ??= { request: sent, response };
  }
  if (!failing) return { id, stage: 'contract', title, status: 'passed' };
  const { request, response } = failing;
  return { id, stage: 'contract', title, status: 'failed', message: [...problems, `reproduce: ${curl(request)}`, `response: ${response.status} ${response.text.slice(0, 300)}`].join('\n'), evidence: { request: curl(request), status: response.status, body: response.text.slice(0, 2_000) } };
}

const BOUNDARY = 'gauntlet-7d1c9a';

/** A multipart/form-data body of flat fields (a value per part, null as empty). */
function multipart(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(([k, v]) => `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${k.replace(/"/g, '%22')}"\r\n\r\n${v === null ? '' : String(v)}\r\n`);
  return `${parts.join('')}--${BOUNDARY}--\r\n`;
}
