import { curl, isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { bodyFieldsOf, identifierFor, isObject, unwrapEnvelope, withId } from '../../openapi/identity.ts';
import { refersToResource } from '../../openapi/learned.ts';
import { createsInCollection } from '../../openapi/plan.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';

/**
 * Unique fields other than the login identity (issue #26's fifth property; the identity is the
 * security stage's `unique-identity`). A field is taken for unique when the document says so (a
 * property whose description says "unique" or "already", or a create that documents a 409 or a
 * response described as "already exists"/"taken"), or when the answer to the same body sent again
 * says so (a 409, or a 4xx whose text says "already exists", "taken", "unique", for a body with a
 * name-like field: name, title, slug, code …). After the create's valid request:
 * 1. the same body is sent again: a 5xx is a finding (the unique index answered, not the code); a
 *    2xx that made a second item is one where a property says it is unique; a 4xx names the field
 *    (the refused answer's text names it, or it is the body's only text field);
 * 2. that field is sent in another case, padded with spaces, and in Unicode NFD. A variant the API
 *    refuses is fine, and so is one it keeps apart (a case-sensitive name); a 5xx, or a second item
 *    whose field reads back as the first's (the same characters, NFC or NFD alike), is a finding (`contract:<op>:unique:<field>`):
 *    the check compared the value as sent, the store normalised it.
 * At most four requests per create, once per operation; auth-flow bodies (a password) are left to the
 * security stage.
 */
export async function uniqueChecks(op: Operation, write: { request: HttpRequest; response: HttpResponse }, send: (r: HttpRequest) => Promise<HttpResponse>): Promise<CheckResult[]> {
  const { request, response } = write;
  if (!createsInCollection(op) || response.status < 200 || response.status >= 300 || !request.body || !('json' in request.body)) return [];
  const { wrapper, fields } = bodyFieldsOf(request.body.json);
  if (Object.keys(fields).some((k) => /pass(word)?|secret/i.test(k))) return [];
  const schema = op.body?.media.find((m) => /json/.test(m.contentType))?.schema as { properties?: Record<string, unknown> } | undefined;
  const properties = ((wrapper ? (schema?.properties?.[wrapper] as typeof schema | undefined)?.properties : schema?.properties) ?? {}) as Record<string, Record<string, unknown>>;
  const texts = Object.keys(fields).filter((k) => typeof fields[k] === 'string' && fields[k] !== '' && !refersToResource(k) && !FORMATS.includes(String(properties[k]?.format)));
  const described = texts.filter((k) => typeof properties[k]?.description === 'string' && UNIQUE.test(properties[k].description as string));
  const conflict = op.responses.some((r) => r.status === '409' || (r.status.startsWith('4') && UNIQUE.test(r.description ?? '')));
  // Undocumented, a field named like a name someone picks (a slug, a title, a code) may still be unique: the answer to the same body says.
  const named = texts.filter((k) => NAMED.test(k));
  if (texts.length === 0 || (described.length === 0 && !conflict && named.length === 0)) return [];
  const documented = described.length > 0 || conflict;
  const body = (values: Record<string, unknown>): HttpRequest => ({ ...request, body: { json: wrapper ? { [wrapper]: { ...fields, ...values } } : { ...fields, ...values } } });
  const first = stored(response);
  const again = body({});
  const answer = await send(again);
  if (isServerError(answer)) return [failed(op, described[0] ?? named[0] ?? texts[0] as string, [`the same body sent a second time answered ${answer.status}: the unique constraint answered, not the code (a 409 or 400 was due)`], again, answer)];
  if (answer.status >= 200 && answer.status < 300) {
    const second = stored(answer);
    const twice = first.id !== undefined && second.id !== undefined && first.id !== second.id;
    return described.filter(() => twice).map((field) => failed(op, field, [`"${field}" is documented as unique, and the same body sent again made a second item (${first.id} and ${second.id})`], again, answer));
  }
  if (answer.status === 401 || answer.status === 403 || answer.status === 429) return [];
  // Learned from the answer alone: only a 409, or a refusal that says the value is taken.
  if (!documented && answer.status !== 409 && !UNIQUE.test(answer.text)) return [];
  const field = described.find((k) => answer.text.includes(k)) ?? texts.find((k) => answer.text.includes(k)) ?? (texts.length === 1 ? texts[0] : described[0]);
  if (!field) return [];
  const value = typeof first.object?.[field] === 'string' ? (first.object[field] as string) : (fields[field] as string);
  const problems: string[] = [];
  let failing: { request: HttpRequest; response: HttpResponse } | undefined;
  for (const [how, variant] of variants(value)) {
    const sent = body({ [field]: variant });
    const r = await send(sent);
    if (isServerError(r)) problems.push(`"${field}" sent ${how} (${JSON.stringify(variant)}) answered ${r.status}: the unique constraint answered, not the code`);
    else if (r.status >= 200 && r.status < 300) {
      const made = stored(r);
      const now = made.object?.[field];
      if (typeof now === 'string' && now.normalize('NFC') === value.normalize('NFC') && made.id !== first.id) problems.push(`"${field}" sent ${how} (${JSON.stringify(variant)}) was accepted (${r.status}) and stored as ${JSON.stringify(now)}: two items now hold the ${field} the first create took, which the same value sent as is was refused for (${answer.status})`);
      else continue;
    } else continue;
    failing ??= { request: sent, response: r };
  }
  if (problems.length === 0) return [{ id: `contract:${op.id}:unique:${field}`, stage: 'contract', title: title(op, field), status: 'passed' }];
  const evidence = failing as { request: HttpRequest; response: HttpResponse };
  return [failed(op, field, problems, evidence.request, evidence.response, request)];
}

/** Formats whose values are not names a person picks (a date, an id, a link). */
const FORMATS = ['date', 'date-time', 'time', 'uuid', 'uri', 'url', 'byte', 'binary'];

/** Fields whose value a person picks and others may not reuse. */
const NAMED = /^(name|title|slug|code|sku|handle|username|user_?name|email|key|label)$/i;

const UNIQUE = /\bunique\b|already (exists|taken|used|registered|in use)|\btaken\b|duplicate/i;

/** The value in another case, padded, and in NFD (only when that differs). */
function variants(value: string): [string, string][] {
  const out: [string, string][] = [];
  const cased = value === value.toUpperCase() ? value.toLowerCase() : value.toUpperCase();
  if (cased !== value) out.push(['in another case', cased]);
  out.push(['padded with spaces', ` ${value} `]);
  if (value.normalize('NFD') !== value) out.push(['in Unicode NFD', value.normalize('NFD')]);
  return out;
}

/** The created item as the answer shows it, and its identifier. */
function stored(response: HttpResponse): { object?: Record<string, unknown>; id?: string } {
  const object = unwrapEnvelope(response.json);
  if (!isObject(object)) return {};
  const id = identifierFor(withId(object), 'id');
  return { object, ...(id !== undefined ? { id: String(id) } : {}) };
}

const title = (op: Operation, field: string) => `${op.id} keeps "${field}" unique whatever its case, padding or Unicode form`;

function failed(op: Operation, field: string, problems: string[], request: HttpRequest, response: HttpResponse, first?: HttpRequest): CheckResult {
  return {
    id: `contract:${op.id}:unique:${field}`,
    stage: 'contract',
    title: title(op, field),
    status: 'failed',
    message: [...problems, ...(first ? [`first: ${curl(first)}`] : []), `reproduce: ${curl(request)}`, `response: ${response.status} ${response.text.slice(0, 300)}`].join('\n'),
    evidence: { request: curl(request), status: response.status, body: response.text.slice(0, 2_000) },
  };
}
