import { curl, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { isObject, listItems } from '../../openapi/identity.ts';
import type { Operation, Parameter } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';
import { PageTally } from './_page-tally.ts';

/**
 * Cursor pages (issue #26's third property, the pagination limit/offset and page/size do not
 * cover): the list's `next` (a whole URL as DRF's CursorPagination gives it, or a token for the
 * list's `cursor`/`after`/`page_token` parameter; in the envelope, in its `meta`/`links`/`pagination`,
 * or a `Link: <…>; rel="next"` header) is followed page by page, at most eight. The pages must be
 * disjoint, none longer than the page size asked, and, when the first answer without a size was the
 * whole list, together that list; a `count`/`total` must match. A next URL on another origin is read
 * on the target's own (it named the host it was asked under). Same check id as the other pagings.
 */
export async function cursorPagesCheck(
  op: Operation,
  query: Parameter[],
  whole: { request: HttpRequest; response: HttpResponse },
  items: Record<string, unknown>[],
  send: (r: HttpRequest) => Promise<HttpResponse>,
  total?: { key: string; value: number },
): Promise<CheckResult | undefined> {
  const cursor = query.find((p) => CURSOR.test(p.name));
  if (!cursor && nextOf(whole.response) === undefined) return undefined;
  const size = query.find((p) => /^(limit|per_?page|page_?size|pagesize|perpage|size|take|first|max_?results)$/i.test(p.name));
  // Without a next on the unsized answer, it was the whole list.
  const complete = nextOf(whole.response) === undefined && (total === undefined || total.value === items.length);
  const per = size ? Math.max(1, Math.ceil(items.length / 3)) : undefined;
  const start = new URL(whole.request.url);
  if (size && per) start.searchParams.set(size.name, String(per));
  let request: HttpRequest = { method: 'GET', url: start.toString(), headers: whole.request.headers };
  const tally = new PageTally();
  let ended = false;
  for (let n = 0; n < 8; n++) {
    const response = await send(request);
    const got = response.status >= 200 && response.status < 300 ? listItems(response.json) : undefined;
    if (!got || !got.every(isObject)) return undefined;
    tally.page(n, got as Record<string, unknown>[], { request, response }, per && size ? { sizeName: size.name, per } : undefined);
    const next = nextOf(response);
    if (next === undefined || got.length === 0) {
      ended = true;
      break;
    }
    const url = nextUrl(next, request.url, cursor);
    if (!url) break;
    request = { ...request, url };
  }
  if (ended) tally.end(complete ? items : undefined, total);
  const problems = tally.problems;
  const failing = tally.failing;
  const id = `contract:${op.id}:pages`;
  const title = `the pages of ${op.id} are disjoint and together the whole list`;
  if (problems.length === 0) return ended && tally.size > 0 ? { id, stage: 'contract', title, status: 'passed' } : undefined;
  const evidence = failing ?? { request, response: whole.response };
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: [...new Set(problems)].concat(`reproduce: ${curl(evidence.request)}`, `response: ${evidence.response.status} ${evidence.response.text.slice(0, 300)}`).join('\n'),
    evidence: { request: curl(evidence.request), status: evidence.response.status, body: evidence.response.text.slice(0, 2_000) },
  };
}

/** Query parameters that take a cursor. */
export const CURSOR = /^(cursor|after|page_?token|next_?token|starting_?after|continuation(_?token)?)$/i;
const NEXT = /^(next|next_?cursor|next_?page_?token|next_?token|next_?page|continuation(_?token)?)$/i;

/** The next page's URL or token, from the envelope (or its meta/links/pagination) or a Link header; undefined at the end. */
export function nextOf(response: HttpResponse): string | undefined {
  const link = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(response.headers?.get?.('link') ?? '');
  if (link?.[1]) return link[1];
  const body = response.json;
  if (!isObject(body)) return undefined;
  for (const holder of [body, body.meta, body.links, body.pagination, body.paging]) {
    if (!isObject(holder)) continue;
    for (const [key, value] of Object.entries(holder)) {
      if (!NEXT.test(key)) continue;
      if (typeof value === 'string' && value !== '') return value;
      if (isObject(value) && typeof value.href === 'string') return value.href;
    }
  }
  return undefined;
}

/** The next page as a URL on the target: a whole or relative URL as given (on the target's origin), or a token for the cursor parameter. */
function nextUrl(next: string, current: string, cursor: Parameter | undefined): string | undefined {
  const here = new URL(current);
  if (/^(https?:)?\/\//i.test(next) || next.startsWith('/') || next.startsWith('?')) {
    const url = new URL(next, here);
    url.protocol = here.protocol;
    url.host = here.host;
    return url.toString();
  }
  if (!cursor) return undefined;
  here.searchParams.set(cursor.name, next);
  return here.toString();
}
