import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { writeReadVerdict } from './_write-read.ts';
import { refersToResource } from '../../openapi/learned.ts';
import { bodyFieldsOf, identifierFor, isObject, topProperties, trimSlash, unwrapEnvelope, withId } from '../../openapi/identity.ts';
import { responseFor, type Operation } from '../../openapi/operations.ts';
import { createsInCollection } from '../../openapi/plan.ts';
import type { CheckResult } from '../../results/types.ts';

/**
 * Read your writes (issue #26's first property): after a 2xx create, PUT or PATCH, each plain field
 * that was sent reads back equal in the item's own GET, or transformed the way APIs are allowed to
 * (whitespace trimmed, the case of an email, slug or username, HTML escaping, a number sent as text,
 * the same instant in another date format). Text cut short, a field the read documents but leaves
 * out, an ignored `false`/`0`/`null`, and another value are findings.
 *
 * Left alone: secrets (write-only by nature), references (a read may expand `categoryId` into an
 * object), identifiers, nested values, and fields the read neither shows nor documents.
 */
export async function readYourWritesCheck(op: Operation, write: { request: HttpRequest; response: HttpResponse }, operations: Operation[], send: (r: HttpRequest) => Promise<HttpResponse>): Promise<CheckResult | undefined> {
  const { request, response } = write;
  if (!['POST', 'PUT', 'PATCH'].includes(op.method) || response.status < 200 || response.status >= 300 || !request.body || !('json' in request.body)) return undefined;
  const read = readRequest(op, request, response, operations);
  if (!read) return undefined;
  const sent = Object.entries(bodyFieldsOf(request.body.json).fields).filter(([k, v]) => comparable(k, v));
  if (sent.length === 0) return undefined;
  const answer = await send(read.request);
  const object = unwrapEnvelope(answer.json);
  if (answer.status < 200 || answer.status >= 300 || !isObject(object)) return undefined;
  const documented = documentedFields(read.op);
  const problems: string[] = [];
  let compared = 0;
  for (const [field, value] of sent) {
    if (!(field in object)) {
      if (documented.has(field)) problems.push(`"${field}" was sent (${show(value)}) and the read documents it, but leaves it out: the write dropped it`);
      continue;
    }
    compared += 1;
    const problem = difference(field, value, object[field]);
    if (problem) problems.push(problem);
  }
  if (compared === 0 && problems.length === 0) return undefined;
  const id = `contract:${op.id}:read-your-writes`;
  const title = `what ${op.id} wrote reads back in ${read.op.id}`;
  return writeReadVerdict(id, title, problems, write, { request: read.request, response: answer });
}

/** Plain values of fields a read is expected to show as sent. */
export function comparable(field: string, value: unknown): boolean {
  if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) return false;
  if (/pass(word)?|secret|token|key$|hash|salt|otp|pin$/i.test(field)) return false;
  return !refersToResource(field);
}

/** The item's own GET: the same URL for an update, the created item's for a creation. */
function readRequest(op: Operation, request: HttpRequest, response: HttpResponse, operations: Operation[]): { op: Operation; request: HttpRequest } | undefined {
  const url = new URL(request.url);
  url.search = '';
  if (op.method !== 'POST' || !createsInCollection(op)) {
    const get = operations.find((o) => o.method === 'GET' && trimSlash(o.path) === trimSlash(op.path) && /\{[^}/]+\}\/?$/.test(o.path));
    return get ? { op: get, request: { method: 'GET', url: url.toString(), headers: request.headers } } : undefined;
  }
  const get = operations.find((o) => o.method === 'GET' && /\/\{[^}/]+\}$/.test(trimSlash(o.path)) && trimSlash(o.path).replace(/\/\{[^}/]+\}$/, '') === trimSlash(op.path));
  const param = get ? /\{([^}/]+)\}\/?$/.exec(get.path)?.[1] : undefined;
  const created = unwrapEnvelope(response.json);
  const location = response.headers.get('location');
  const id = isObject(created) ? identifierFor(withId(created), param ?? 'id') : location ? new URL(location, url).pathname.split('/').filter(Boolean).at(-1) : undefined;
  if (!get || id === undefined) return undefined;
  url.pathname = `${trimSlash(url.pathname)}/${encodeURIComponent(String(id))}${get.path.endsWith('/') ? '/' : ''}`;
  return { op: get, request: { method: 'GET', url: url.toString(), headers: request.headers } };
}

/** The top-level properties the read's 2xx documents (inside a one-key wrapper too). */
function documentedFields(op: Operation): Set<string> {
  return new Set(topProperties(responseFor(op, 200)?.content.find((m) => /json/.test(m.contentType))?.schema));
}

const show = (v: unknown) => (typeof v === 'string' && v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}… (${v.length} characters)` : JSON.stringify(v));
const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x?0*27;|&apos;/g, "'").replace(/&amp;/g, '&');

/** Why `read` is not what `sent` allows, or undefined when it is. */
export function difference(field: string, sent: unknown, read: unknown): string | undefined {
  if (isObject(read) || Array.isArray(read)) return undefined; // expanded into an object: another shape, not another value
  if (typeof sent === 'string') {
    if (typeof read !== 'string') return (read === null && sent !== '') || read === undefined ? `"${field}" was sent (${show(sent)}) and reads back ${JSON.stringify(read)}: the write dropped it` : undefined;
    if (sent === '' && read !== '') return `"${field}" was sent as "" and reads back as ${show(read)}: an empty value was ignored`;
    const same = (a: string, b: string) => a === b || a.trim() === b.trim() || unescapeHtml(b).trim() === a.trim() || a.normalize('NFC').trim() === b.normalize('NFC').trim();
    if (same(sent, read) || (/mail|slug|user_?name|login|handle/i.test(field) && sent.trim().toLowerCase() === read.trim().toLowerCase())) return undefined;
    const [t1, t2] = [Date.parse(sent), Date.parse(read)];
    if (/\d{4}-\d{2}-\d{2}/.test(sent) && Number.isFinite(t1) && t1 === t2) return undefined;
    if (read.length < sent.length && sent.startsWith(read)) return `"${field}" was sent with ${sent.length} characters and reads back with ${read.length}: the text was cut short`;
    return `"${field}" was sent as ${show(sent)} and reads back as ${show(read)}`;
  }
  if (typeof sent === 'number') {
    if (read === sent || (typeof read === 'string' && Number(read) === sent)) return undefined;
    return typeof read === 'number' || read === null ? `"${field}" was sent as ${sent} and reads back as ${JSON.stringify(read)}${sent === 0 ? ': a 0 was ignored' : ''}` : undefined;
  }
  if (typeof sent === 'boolean') return read === sent ? undefined : `"${field}" was sent as ${sent} and reads back as ${JSON.stringify(read)}${sent ? '' : ': a false was ignored'}`;
  if (sent === null && read !== null && read !== undefined && read !== '') return `"${field}" was sent as null and reads back as ${show(read)}: a null was ignored`;
  return undefined;
}
