import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import type { Operation, Parameter } from '../../openapi/operations.ts';
import { listChecks } from './_lists.ts';
import { sortChecks } from './_sort.ts';

const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, status: i % 2 ? 'open' : 'done', price: (i + 1) * 10 }));

/** A list operation with these query parameters, answered by `serve` (page/size in the DRF manner when asked). */
function listOp(names: string[]): Operation {
  const parameters = names.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }) as unknown as Parameter);
  return { id: 'GET /tasks', operationId: undefined, method: 'GET', path: '/tasks', parameters, body: undefined, responses: [], secured: false } as Operation;
}

function answer(status: number, json: unknown): HttpResponse {
  return { status, headers: new Headers(), text: JSON.stringify(json), json, contentType: 'application/json', ms: 1 };
}

type Serve = (q: URLSearchParams) => HttpResponse;

async function run(names: string[], serve: Serve) {
  const send = async (r: HttpRequest) => serve(new URL(r.url).searchParams);
  const request: HttpRequest = { method: 'GET', url: 'http://127.0.0.1:1/tasks', headers: {} };
  return listChecks(listOp(names), { request, response: serve(new URLSearchParams()) }, send);
}

const correct: Serve = (q) => {
  let list = ITEMS.filter((i) => !q.has('status') || i.status === q.get('status')).filter((i) => !q.has('min_price') || i.price >= Number(q.get('min_price')));
  const offset = Number(q.get('offset') ?? 0);
  list = list.slice(offset, q.has('limit') ? offset + Number(q.get('limit')) : undefined);
  return answer(200, list);
};

describe('list checks', () => {
  it('pass on a list whose filters and limit/offset pages are right', async () => {
    const checks = await run(['status', 'min_price', 'limit', 'offset'], correct);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['contract:GET /tasks:filter:status', 'passed'],
      ['contract:GET /tasks:filter:min_price', 'passed'],
      ['contract:GET /tasks:pages', 'passed'],
    ]);
  });

  it('find an ignored equality filter and a range filter that is ignored', async () => {
    const checks = await run(['status', 'min_price'], (q) => correct(new URLSearchParams([...q].filter(([k]) => k !== 'status' && k !== 'min_price'))));
    expect(checks.find((c) => c.id.endsWith(':filter:status'))?.message).toMatch(/^status="done" answered 3 of 7 items whose status is another value \("open", "open", "open"\): the filter was ignored/);
    expect(checks.find((c) => c.id.endsWith(':filter:min_price'))?.message).toMatch(/^min_price=40 answered 3 of 7 items whose price is below it \(10, 20, 30\)/);
  });

  it('find DRF-style pages (page only, a 404 past the end) that skip an item the count has', async () => {
    const skipping: Serve = (q) => {
      const list = ITEMS.filter((i) => i.id !== 5 || !q.has('page'));
      const size = 3;
      const page = Number(q.get('page') ?? 1);
      if ((page - 1) * size >= list.length && page > 1) return answer(404, { detail: 'Invalid page.' });
      return answer(200, { count: 7, results: q.has('page') ? list.slice((page - 1) * size, page * size) : ITEMS.slice(0, size) });
    };
    const [pages] = await run(['page'], skipping);
    expect(pages?.id).toBe('contract:GET /tasks:pages');
    expect(pages?.message).toMatch(/^the list's count says 7, the pages hold 6 items/);
  });

  it('find overlapping pages and a page longer than asked', async () => {
    const overlapping: Serve = (q) => {
      const offset = Math.max(0, Number(q.get('offset') ?? 0) - 1);
      return answer(200, ITEMS.slice(offset, q.has('limit') ? offset + Number(q.get('limit')) + 1 : undefined));
    };
    const [pages] = await run(['limit', 'offset'], overlapping);
    expect(pages?.message).toMatch(/^limit=3 answered 4 items\nthe item 3 is on page 1 and again on page 2: the pages overlap/);
  });

  it('judge nothing it cannot: one item, or a filter whose value every item shares', async () => {
    expect(await run(['status', 'limit', 'offset'], () => answer(200, [ITEMS[0]]))).toEqual([]);
    expect(await run(['status'], () => answer(200, ITEMS.map((i) => ({ ...i, status: 'open' }))))).toEqual([]);
  });
});

describe('sort checks', () => {
  const sortOp = (values: string[]) => ({ ...listOp([]), parameters: [{ name: 'sort', in: 'query', required: false, schema: { type: 'string', enum: values } } as unknown as Parameter] });
  const rows = [{ id: 1, name: 'Beta' }, { id: 2, name: 'alpha' }, { id: 3, name: 'gamma' }];
  const serve = (byCodePoint: boolean, ignoreDesc: boolean) => async (params: Record<string, string>) => {
    const value = params.sort ?? '';
    const desc = /_desc$/.test(value) && !ignoreDesc;
    const key = (s: string) => (byCodePoint ? s : s.toLowerCase());
    const list = [...rows].sort((a, b) => (key(a.name) < key(b.name) ? -1 : 1) * (desc ? -1 : 1));
    return { request: { method: 'GET', url: `http://127.0.0.1:1/tasks?sort=${value}`, headers: {} }, response: answer(200, list) };
  };

  it('accept a database collation that is not JavaScript\'s (alpha, Beta, gamma: case-insensitive, not by code point), both ways', async () => {
    const [check] = await sortChecks(sortOp(['name_asc', 'name_desc']), rows, serve(false, false));
    expect(check).toMatchObject({ id: 'contract:GET /tasks:sort:sort', status: 'passed' });
  });

  it('find a descending order that comes back ascending', async () => {
    const [check] = await sortChecks(sortOp(['name_asc', 'name_desc']), rows, serve(true, true));
    expect(check?.message).toMatch(/^sort=name_desc answered name in the order "Beta", "alpha", "gamma": not descending\nreproduce: curl -i -X GET 'http:\/\/127\.0\.0\.1:1\/tasks\?sort=name_desc'/);
  });

  it('judge nothing without enumerated values (an ordering the document does not name may be ignored by design)', async () => {
    expect(await sortChecks(sortOp([]), rows, serve(true, true))).toEqual([]);
  });
});
