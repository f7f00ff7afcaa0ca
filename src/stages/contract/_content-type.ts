import { curl, isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { bodyFieldsOf, isObject } from '../../openapi/identity.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';

/**
 * Content-type confusion (issue #26's seventh property): a body the operation refuses as JSON (a
 * required field left out) is sent again as `application/x-www-form-urlencoded`. It must be refused
 * there too: a form parser that skips the validation the JSON route has lets invalid data in. Only
 * flat bodies (a form has no nesting), and only when JSON really refuses the invalid body.
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
  const response = await send(asForm);
  const id = `contract:${op.id}:content-type`;
  const title = `${op.id} refuses as a form what it refuses as JSON`;
  const problems = response.status >= 200 && response.status < 300 ? [`without "${missing}" the body is refused as JSON (${asJson.status}) but accepted as a form (${response.status}): another content type skips the validation`] : isServerError(response) ? [`without "${missing}", sent as a form, it answered ${response.status}: a server error (as JSON: ${asJson.status})`] : [];
  if (problems.length === 0) return { id, stage: 'contract', title, status: 'passed' };
  return { id, stage: 'contract', title, status: 'failed', message: [...problems, `reproduce: ${curl(asForm)}`, `response: ${response.status} ${response.text.slice(0, 300)}`].join('\n'), evidence: { request: curl(asForm), status: response.status, body: response.text.slice(0, 2_000) } };
}
