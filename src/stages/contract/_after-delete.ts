import { curl, pause, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { isObject, listItems, topIdentifiers, trimSlash, withId } from '../../openapi/identity.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';
import { fieldOf, PAGING, RANGE, SEARCH, SORTING, TEXT } from './_lists.ts';

/**
 * Delete, judged by its effect (issue #26's second property): after a 2xx DELETE of an item, the
 * item's own GET answers 404 or 410, and no list of its collection still shows it (a soft delete the
 * list query forgot, a cache that still serves it). Read again every 100 ms for `consistencyMs`
 * (stages.contract.consistencyMs) before it fails, for eventually consistent stores; a correct
 * target passes on the first read. No GET and no list of that collection: no check.
 * When the item was read before the delete (`item`), the list is also read with its largest page
 * size and filtered by the item's own values (a filter's query that forgot the deleted mark the
 * plain list has), three reads at most.
 */
export async function afterDeleteCheck(
  op: Operation,
  deletion: { request: HttpRequest; response: HttpResponse },
  operations: Operation[],
  send: (r: HttpRequest) => Promise<HttpResponse>,
  consistencyMs: number,
  /** The item as a read before the delete showed it. */
  item?: Record<string, unknown>,
): Promise<CheckResult | undefined> {
  const { request, response } = deletion;
  if (op.method !== 'DELETE' || response.status < 200 || response.status >= 300 || !/\/\{[^}/]+\}\/?$/.test(op.path)) return undefined;
  const url = new URL(request.url);
  const segments = trimSlash(url.pathname).split('/');
  const key = decodeURIComponent(segments.at(-1) ?? '');
  const single = operations.find((o) => o.method === 'GET' && trimSlash(o.path) === trimSlash(op.path));
  const collection = trimSlash(op.path).replace(/\/\{[^}/]+\}$/, '');
  const list = operations.find((o) => o.method === 'GET' && trimSlash(o.path) === collection && !o.parameters.some((p) => p.required));
  const headers = request.headers;
  const reads: { what: string; request: HttpRequest; gone: (r: HttpResponse) => boolean | undefined }[] = [];
  if (single) reads.push({ what: single.id, request: { method: 'GET', url: url.toString(), headers }, gone: (r) => (r.status === 404 || r.status === 410 ? true : r.status >= 200 && r.status < 300 ? false : undefined) });
  if (list) {
    const listUrl = new URL(url.toString());
    listUrl.search = '';
    listUrl.pathname = `${segments.slice(0, -1).join('/')}${op.path.endsWith('/') || list.path.endsWith('/') ? '/' : ''}`;
    const gone = (r: HttpResponse) => (r.status >= 200 && r.status < 300 ? !(listItems(r.json) ?? []).some((i) => isObject(i) && topIdentifiers(withId(i)).has(key)) : undefined);
    for (const query of [{}, ...(item ? listQueries(list, item) : [])]) {
      const read = new URL(listUrl);
      for (const [k, v] of Object.entries(query)) read.searchParams.set(k, v);
      reads.push({ what: `${list.id}${read.search}`, request: { method: 'GET', url: read.toString(), headers }, gone });
    }
  }
  if (reads.length === 0) return undefined;
  const id = `contract:${op.id}:deleted`;
  const title = `after ${op.id}, the item is gone: its GET answers 404 or 410 and no list shows it`;
  const deadline = Date.now() + consistencyMs;
  let problems: { text: string; request: HttpRequest; response: HttpResponse }[] = [];
  for (;;) {
    problems = [];
    for (const read of reads) {
      const r = await send(read.request);
      if (read.gone(r) === false) problems.push({ text: `${read.what} still ${read.what === single?.id ? `serves it (${r.status})` : `lists it (${r.status})`} after ${op.method} ${url.pathname} answered ${response.status}`, request: read.request, response: r });
    }
    if (problems.length === 0 || Date.now() >= deadline) break;
    await pause(100);
  }
  if (problems.length === 0) return { id, stage: 'contract', title, status: 'passed' };
  const first = problems[0] as (typeof problems)[number];
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: [...problems.map((p) => p.text), `reproduce: ${curl(request)}`, `then: ${curl(first.request)}`, `response: ${first.response.status} ${first.response.text.slice(0, 300)}`].join('\n'),
    evidence: { request: curl(request), status: response.status, read: curl(first.request), readStatus: first.response.status, body: first.response.text.slice(0, 2_000) },
  };
}

/** The list's queries that would show the item: its largest page and filters set to its own values, three reads at most (a throttled target counts each). */
function listQueries(list: Operation, item: Record<string, unknown>): Record<string, string>[] {
  const queries: Record<string, string>[] = [];
  for (const p of list.parameters) {
    if (p.in !== 'query' || p.required || SORTING.test(p.name) || RANGE.test(p.name) || queries.length >= 3) continue;
    const schema = (p.schema ?? {}) as { maximum?: number; type?: string };
    if (PAGING.test(p.name)) {
      if (/^(limit|per_?page|page_?size|pagesize|perpage|size|take)$/i.test(p.name)) queries.push({ [p.name]: String(Math.min(schema.maximum ?? 100, 1_000)) });
      continue;
    }
    if (SEARCH.test(p.name)) {
      const word = Object.entries(item).filter(([k, v]) => TEXT.test(k) && typeof v === 'string').flatMap(([, v]) => (v as string).split(/[^\p{L}\p{N}]+/u)).find((w) => w.length >= 4 && /\p{L}/u.test(w));
      if (word) queries.push({ [p.name]: word });
      continue;
    }
    const field = fieldOf([item], p.name);
    const value = field === undefined ? undefined : item[field];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') queries.push({ [p.name]: String(value) });
  }
  return queries;
}
