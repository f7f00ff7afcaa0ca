import { curl, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { bodyFieldsOf, isObject, trimSlash, unwrapEnvelope } from '../../openapi/identity.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';
import { difference } from './_read-your-writes.ts';

/**
 * A PATCH changes what it is sent and nothing else (issue #26's first property, the part a single
 * valid request cannot show): after the operation's valid PATCH, one field at a time is PATCHed to
 * a value that tells (a boolean to its opposite and back, so `false` is sent either way; a number
 * to 0; a nullable field to null; a text the document lets be empty to "", after a word
 * when it is empty already), and the item's GET must show that value and every other field as
 * it was; last, a text field is sent with the value it holds, and nothing else may move. A `false`,
 * `0`, `null` or `""` the update ignores (`value || old`), and a field it was not sent but reset
 * (`pinned = coalesce($3, false)`), are the findings (`contract:<op>:partial-update`). Timestamps and
 * versions may move. At most four fields, nine writes.
 */
export async function partialUpdateCheck(op: Operation, write: { request: HttpRequest; response: HttpResponse }, operations: Operation[], send: (r: HttpRequest) => Promise<HttpResponse>): Promise<CheckResult | undefined> {
  const { request, response } = write;
  if (op.method !== 'PATCH' || response.status < 200 || response.status >= 300 || !request.body || !('json' in request.body)) return undefined;
  if (!operations.some((o) => o.method === 'GET' && trimSlash(o.path) === trimSlash(op.path))) return undefined;
  const url = new URL(request.url);
  url.search = '';
  const read: HttpRequest = { method: 'GET', url: url.toString(), headers: request.headers };
  const state = async () => {
    const r = await send(read);
    const object = unwrapEnvelope(r.json);
    return r.status >= 200 && r.status < 300 && isObject(object) ? object : undefined;
  };
  let before = await state();
  if (!before) return undefined;
  const { wrapper } = bodyFieldsOf(request.body.json);
  const schema = op.body?.media.find((m) => /json/.test(m.contentType))?.schema as { properties?: Record<string, Record<string, unknown>> } | undefined;
  const properties = (wrapper ? (schema?.properties?.[wrapper] as typeof schema | undefined)?.properties : schema?.properties) ?? {};
  const steps = plan(properties, before);
  if (steps.length === 0) return undefined;
  const problems: string[] = [];
  let failing: { request: HttpRequest; response: HttpResponse } | undefined;
  for (const { field, value } of steps) {
    const patch: HttpRequest = { ...request, body: { json: wrapper ? { [wrapper]: { [field]: value } } : { [field]: value } } };
    const answer = await send(patch);
    if (answer.status < 200 || answer.status >= 300) continue; // refused: the document's rule, not an ignored value
    const after = await state();
    if (!after) break;
    const found: string[] = [];
    if (field in after) {
      const problem = difference(field, value, after[field]);
      if (problem) found.push(`PATCH ${JSON.stringify({ [field]: value })} answered ${answer.status}, but ${problem}`);
    }
    for (const [key, was] of Object.entries(before)) {
      if (key === field || MOVES.test(key) || !(key in after) || JSON.stringify(after[key]) === JSON.stringify(was)) continue;
      found.push(`PATCH ${JSON.stringify({ [field]: value })} also changed "${key}", which it was not sent: ${JSON.stringify(was)} → ${JSON.stringify(after[key])}`);
    }
    if (found.length) {
      problems.push(...found);
      failing ??= { request: patch, response: answer };
    }
    before = after;
  }
  const id = `contract:${op.id}:partial-update`;
  const title = `${op.id} changes the one field it is sent, to any value (false, 0, null), and nothing else`;
  if (problems.length === 0) return { id, stage: 'contract', title, status: 'passed' };
  const evidence = failing as { request: HttpRequest; response: HttpResponse };
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: [...problems, `reproduce: ${curl(evidence.request)}`, `then: ${curl(read)}`].join('\n'),
    evidence: { request: curl(evidence.request), status: evidence.response.status, read: curl(read) },
  };
}

/** A string field the document lets be empty: no minLength above 0, no format, no enum without "", no pattern "" breaks. */
function mayBeEmpty(p: Record<string, unknown>): boolean {
  if ((typeof p.minLength === 'number' && p.minLength > 0) || p.format !== undefined || (Array.isArray(p.enum) && !p.enum.includes(''))) return false;
  if (typeof p.pattern !== 'string') return true;
  try {
    return new RegExp(p.pattern, 'u').test('');
  } catch {
    return false;
  }
}

/** Fields that move by themselves on every write. */
const MOVES = /updated|modified|changed|version|etag|revision|last_?(seen|activity|login)|_at$|At$/i;

/** The single-field writes: booleans both ways (false is sent either way), a number to 0, a nullable field to null, a text to "". */
function plan(properties: Record<string, Record<string, unknown>>, current: Record<string, unknown>): { field: string; value: unknown }[] {
  const steps: { field: string; value: unknown }[] = [];
  const types = (p: Record<string, unknown>) => (Array.isArray(p.type) ? (p.type as string[]) : [p.type as string]);
  let fields = 0;
  for (const [field, p] of Object.entries(properties)) {
    if (fields >= 4 || !isObject(p) || p.readOnly === true || !(field in current)) continue;
    const now = current[field];
    if (types(p).includes('boolean') && typeof now === 'boolean') steps.push({ field, value: !now }, { field, value: now });
    else if ((types(p).includes('integer') || types(p).includes('number')) && typeof now === 'number' && now !== 0 && (p.minimum === undefined || (p.minimum as number) <= 0) && (p.exclusiveMinimum === undefined || (p.exclusiveMinimum as number) < 0)) steps.push({ field, value: 0 }, { field, value: now });
    else if ((p.nullable === true || types(p).includes('null')) && now !== null && (typeof now !== 'object')) steps.push({ field, value: null }, { field, value: now });
    else if (types(p).includes('string') && typeof now === 'string' && mayBeEmpty(p)) steps.push(...(now === '' ? [{ field, value: 'Gauntlet'.slice(0, Math.max(1, Math.min(8, (p.maxLength as number | undefined) ?? 8))) }, { field, value: '' }] : [{ field, value: '' }, { field, value: now }]));
    else continue;
    fields += 1;
  }
  // One field sent as it is (the value the API itself holds, so no rule refuses it): every other field must stay.
  const text = Object.entries(properties).find(([field, p]) => isObject(p) && p.readOnly !== true && types(p).includes('string') && typeof current[field] === 'string' && !steps.some((s) => s.field === field));
  if (text) steps.push({ field: text[0], value: current[text[0]] });
  return steps;
}
