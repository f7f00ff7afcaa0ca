import { curl, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { isObject, listItems, trimSlash, unwrapEnvelope } from '../../openapi/identity.ts';
import { createsInCollection } from '../../openapi/plan.ts';
import type { Operation, Parameter } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';
import { cursorPagesCheck } from './_cursor.ts';
import { PageTally } from './_page-tally.ts';
import { sortChecks } from './_sort.ts';

/**
 * Lists (issue #26's third property), judged on a list the API itself answered:
 * - **filters** (`contract:<op>:filter:<param>`): a query parameter named like a field the items show
 *   is sent with a value one item has and another lacks; every item of the filtered list must
 *   satisfy it where the field is visible (equality; `min_`/`max_`/`_gte`/`_lte`… ranges). A search
 *   term (`q`, `search`…), a word of one item that another lacks, must narrow the list: a filtered
 *   list as long as the whole one, with items that show no trace of the term, is an ignored search.
 *   The search may match fields the list does not show, so only an ignored search is a finding.
 * - **pages** (`contract:<op>:pages`): limit/offset, page/size or cursor pages (`_cursor.ts`) of the list
 *   are disjoint, none longer than asked, their union is the whole list, and a `count`/`total` equals its length.
 * Values come from the list itself, never invented: a filter whose value no item has proves nothing.
 */
export async function listChecks(
  op: Operation,
  exchange: { request: HttpRequest; response: HttpResponse },
  send: (r: HttpRequest) => Promise<HttpResponse>,
  operations: Operation[] = [],
  create?: Creator,
): Promise<CheckResult[]> {
  const { request, response } = exchange;
  if (op.method !== 'GET' || response.status < 200 || response.status >= 300 || /\{[^}/]+\}\/?$/.test(op.path)) return [];
  const query = op.parameters.filter((p) => p.in === 'query');
  if (query.length === 0) return [];
  // The whole list: only the required query parameters, as the contract stage sent them.
  const base = new URL(request.url);
  for (const p of query) if (!p.required) base.searchParams.delete(p.name);
  const read = async (params: Record<string, string>) => {
    const url = new URL(base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const r: HttpRequest = { method: 'GET', url: url.toString(), headers: request.headers };
    return { request: r, response: await send(r) };
  };
  let whole = await read({});
  let items = objectItems(whole.response);
  // Too few items, or none with a word another lacks: two of its own, each with a word of its own (reach first).
  const creator = operations.find((o) => createsInCollection(o) && trimSlash(o.path) === trimSlash(op.path));
  if (creator && create && items && (items.length < 3 || !searchTerm(items))) {
    for (const word of MARKS) await create(creator, (request) => marked(request, word));
    whole = await read({});
    items = objectItems(whole.response);
  }
  if (!items || items.length < 2) return [];
  const checks: CheckResult[] = [];
  for (const p of query) {
    if (p.required || PAGING.test(p.name) || SORTING.test(p.name)) continue;
    const check = await filterCheck(op, p, items, read);
    if (check) checks.push(check);
  }
  checks.push(...(await sortChecks(op, items, read)));
  const pages = await pagesCheck(op, query, whole, items, read, send);
  if (pages) checks.push(pages);
  return checks;
}

/** Sends a creation's valid request, changed by `mark`; true on a 2xx. */
export type Creator = (creator: Operation, mark: (request: HttpRequest) => HttpRequest) => Promise<boolean>;

/** Words no generated text has: one per item the check makes. */
const MARKS = ['Quokkaberry', 'Basaltwing'];

/** The request with `word` appended to its body's first text field (title, name …). */
function marked(request: HttpRequest, word: string): HttpRequest {
  const body = request.body;
  if (!body || !('json' in body) || !isObject(body.json)) return request;
  const key = Object.keys(body.json).find((k) => typeof (body.json as Record<string, unknown>)[k] === 'string' && TEXT.test(k));
  if (!key) return request;
  return { ...request, body: { json: { ...body.json, [key]: `${String(body.json[key]).slice(0, 40)} ${word}` } } };
}

export const TEXT = /title|name|subject|text|body|content|description|summary|label/i;

type Read = (params: Record<string, string>) => Promise<{ request: HttpRequest; response: HttpResponse }>;

/** Query parameters that page a list (shared with the listed check). */
export const PAGING = /^(limit|offset|page|per_?page|page_?size|pagesize|perpage|size|cursor|after|before|skip|take|start)$/i;
export const SORTING = /^(sort|order|order_?by|ordering|sort_?by|direction|dir|fields|expand|include|format)$/i;
export const SEARCH = /^(q|query|search|term|keywords?|text)$/i;
export const RANGE = /^(?:([Mm]in|[Mm]ax)_?(.+)|(.+?)(?:__?|(?=[A-Z]))(min|max|gte|lte|gt|lt|from|to|Min|Max|From|To))$/;

function objectItems(response: HttpResponse): Record<string, unknown>[] | undefined {
  if (response.status < 200 || response.status >= 300) return undefined;
  const items = listItems(response.json);
  return items?.every(isObject) ? (items as Record<string, unknown>[]) : undefined;
}

/** The item's field named like the parameter (`created_by` ↔ `createdBy`, `category` ↔ `categoryId`), or undefined. */
export function fieldOf(items: Record<string, unknown>[], name: string): string | undefined {
  const flat = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  const keys = [...new Set(items.flatMap((i) => Object.keys(i)))];
  return keys.find((k) => flat(k) === flat(name)) ?? keys.find((k) => flat(k) === `${flat(name)}id`);
}

const primitive = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);
const sameValue = (item: unknown, value: string) => (Array.isArray(item) ? item.some((v) => primitive(v) && String(v).toLowerCase() === value.toLowerCase()) : primitive(item) && String(item).toLowerCase() === value.toLowerCase());
const magnitude = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

async function filterCheck(op: Operation, p: Parameter, items: Record<string, unknown>[], read: Read): Promise<CheckResult | undefined> {
  const id = `contract:${op.id}:filter:${p.name}`;
  const title = `${op.id}?${p.name}=… narrows the list to the items that match`;
  if (SEARCH.test(p.name)) {
    const term = searchTerm(items);
    if (!term) return undefined;
    const { request, response } = await read({ [p.name]: term });
    const found = objectItems(response);
    if (!found) return undefined;
    const unmatched = found.filter((i) => !JSON.stringify(i).toLowerCase().includes(term.toLowerCase()));
    if (found.length < items.length || unmatched.length === 0) return { id, stage: 'contract', title, status: 'passed' };
    return failed(id, title, [`the search ${p.name}=${JSON.stringify(term)} (a word of one item, absent from others) answered the whole list, ${found.length} items, ${unmatched.length} of them without the word: the search was ignored`], request, response);
  }
  const range = RANGE.exec(p.name);
  const field = fieldOf(items, p.name) ?? (range ? fieldOf(items, range[2] ?? range[3] ?? '') : undefined);
  if (!field) return undefined;
  if (range && !fieldOf(items, p.name)) {
    const bound = (range[1] ?? range[4] ?? '').toLowerCase();
    const values = items.map((i) => i[field]).filter((v) => magnitude(v) !== undefined);
    const sorted = [...values].sort((a, b) => (magnitude(a) as number) - (magnitude(b) as number));
    const pivot = sorted[Math.floor(sorted.length / 2)];
    if (pivot === undefined || magnitude(sorted[0]) === magnitude(sorted.at(-1))) return undefined;
    const lower = ['min', 'gte', 'gt', 'from'].includes(bound);
    const limit = magnitude(pivot) as number;
    const holds = (v: number) => (bound === 'gt' ? v > limit : bound === 'lt' ? v < limit : lower ? v >= limit : v <= limit);
    const { request, response } = await read({ [p.name]: String(pivot) });
    const found = objectItems(response);
    if (!found) return undefined;
    const outside = found.filter((i) => magnitude(i[field]) !== undefined && !holds(magnitude(i[field]) as number));
    if (outside.length === 0) return { id, stage: 'contract', title, status: 'passed' };
    return failed(id, title, [`${p.name}=${pivot} answered ${outside.length} of ${found.length} items whose ${field} is ${lower ? 'below' : 'above'} it (${outside.slice(0, 3).map((i) => JSON.stringify(i[field])).join(', ')}): the filter was ignored`], request, response);
  }
  // Equality: a value one item has and another lacks, so an ignored filter shows.
  const values = items.map((i) => i[field]).filter(primitive).map(String);
  const value = values.find((v) => values.some((w) => w.toLowerCase() !== v.toLowerCase()));
  if (value === undefined) return undefined;
  const { request, response } = await read({ [p.name]: value });
  const found = objectItems(response);
  if (!found) return undefined;
  const wrong = found.filter((i) => field in i && i[field] !== null && !sameValue(i[field], value));
  if (wrong.length === 0) return { id, stage: 'contract', title, status: 'passed' };
  return failed(id, title, [`${p.name}=${JSON.stringify(value)} answered ${wrong.length} of ${found.length} items whose ${field} is another value (${wrong.slice(0, 3).map((i) => JSON.stringify(i[field])).join(', ')}): the filter was ignored`], request, response);
}

/** A word (3+ letters) of one item's text that some other item does not contain anywhere. */
function searchTerm(items: Record<string, unknown>[]): string | undefined {
  const texts = items.map((i) => JSON.stringify(i).toLowerCase());
  for (const item of items) {
    for (const [key, value] of Object.entries(item)) {
      if (typeof value !== 'string' || !TEXT.test(key)) continue;
      const word = value.split(/[^\p{L}\p{N}]+/u).find((w) => w.length >= 4 && /\p{L}/u.test(w) && texts.some((t) => !t.includes(w.toLowerCase())));
      if (word) return word;
    }
  }
  return undefined;
}

/** Fields of a list envelope that count the whole list. */
export const TOTAL = /^(count|total|total_?count|totalcount|total_?items|totalitems|total_?results)$/i;

/** Disjoint pages whose union is the whole list, none longer than asked; a total that matches. */
async function pagesCheck(op: Operation, query: Parameter[], whole: { request: HttpRequest; response: HttpResponse }, items: Record<string, unknown>[], read: Read, send: (r: HttpRequest) => Promise<HttpResponse>): Promise<CheckResult | undefined> {
  const named = (re: RegExp) => query.find((p) => re.test(p.name));
  const size = named(/^(limit|per_?page|page_?size|pagesize|perpage|size|take)$/i);
  const offset = named(/^(offset|skip|start)$/i);
  const page = named(/^page$/i);
  const envelope = unwrapEnvelope(whole.response.json);
  const totalKey = isObject(envelope) ? Object.keys(envelope).find((k) => TOTAL.test(k) && typeof envelope[k] === 'number') : undefined;
  const total = totalKey && isObject(envelope) ? (envelope[totalKey] as number) : undefined;
  if (!(size && offset) && !page) return cursorPagesCheck(op, query, whole, items, send, totalKey && total !== undefined ? { key: totalKey, value: total } : undefined);
  // The unparameterised answer is the whole list unless a total says there is more.
  const complete = total === undefined || total === items.length;
  const per = size ? Math.max(1, Math.ceil(items.length / 3)) : items.length;
  const first = page ? (page.schema as { minimum?: number } | undefined)?.minimum ?? 1 : 0;
  const tally = new PageTally();
  let ended = false;
  for (let n = 0; n < 8; n++) {
    const params: Record<string, string> = {};
    if (size) params[size.name] = String(per);
    if (offset && size && !page) params[offset.name] = String(n * per);
    else if (page) params[page.name] = String(first + n);
    const { request, response } = await read(params);
    const got = objectItems(response);
    if (!got) {
      ended = n > 0 && response.status === 404; // DRF: a page past the end is a 404
      if (!ended) return undefined;
      break;
    }
    tally.page(n, got, { request, response }, size ? { sizeName: size.name, per } : undefined);
    if (got.length < per) {
      ended = true;
      break;
    }
  }
  if (ended) tally.end(complete ? items : undefined, totalKey && total !== undefined ? { key: totalKey, value: total } : undefined);
  const problems = tally.problems;
  const failing = tally.failing;
  const id = `contract:${op.id}:pages`;
  const title = `the pages of ${op.id} are disjoint and together the whole list`;
  if (problems.length === 0) return ended ? { id, stage: 'contract', title, status: 'passed' } : undefined;
  const evidence = failing ?? (await read({}));
  return failed(id, title, [...new Set(problems)], evidence.request, evidence.response);
}

function failed(id: string, title: string, problems: string[], request: HttpRequest, response: HttpResponse): CheckResult {
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: [...problems, `reproduce: ${curl(request)}`, `response: ${response.status} ${response.text.slice(0, 300)}`].join('\n'),
    evidence: { request: curl(request), status: response.status, body: response.text.slice(0, 2_000) },
  };
}
