import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import type { Operation, Parameter } from '../../openapi/operations.ts';
import { listChecks } from './_lists.ts';
import { nextOf } from './_cursor.ts';

const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, title: `task ${i + 1}` }));

function listOp(names: string[]): Operation {
  const parameters = names.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }) as unknown as Parameter);
  return { id: 'GET /tasks', operationId: undefined, method: 'GET', path: '/tasks', parameters, body: undefined, responses: [], secured: false } as Operation;
}

function answer(json: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status: 200, headers: new Headers(headers), text: JSON.stringify(json), json, contentType: 'application/json', ms: 1 };
}

/** A list paged by an opaque `after` token (the last id of the page), the next token in `meta.next_cursor`; `overlap` repeats the last item. */
function tokenList(overlap: boolean) {
  const sent: string[] = [];
  const send = async (r: HttpRequest) => {
    sent.push(r.url);
    const q = new URL(r.url).searchParams;
    const size = Number(q.get('limit') ?? 100);
    const start = q.has('after') ? ITEMS.findIndex((i) => i.id === Number(q.get('after'))) + (overlap ? 0 : 1) : 0;
    const page = ITEMS.slice(start, start + size);
    const more = start + size < ITEMS.length;
    return answer({ data: page, meta: { next_cursor: more ? String(page.at(-1)?.id) : null } });
  };
  return { send, sent };
}

async function run(names: string[], send: (r: HttpRequest) => Promise<HttpResponse>) {
  const request: HttpRequest = { method: 'GET', url: 'http://127.0.0.1:1/tasks', headers: {} };
  return listChecks(listOp(names), { request, response: await send(request) }, send);
}

describe('cursor pages', () => {
  it('follow a token for the cursor parameter: disjoint pages that together are the whole list pass', async () => {
    const { send, sent } = tokenList(false);
    const checks = await run(['limit', 'after'], send);
    expect(checks.find((c) => c.id === 'contract:GET /tasks:pages')).toMatchObject({ status: 'passed' });
    expect(sent.slice(2)).toEqual(['http://127.0.0.1:1/tasks?limit=3', 'http://127.0.0.1:1/tasks?limit=3&after=3', 'http://127.0.0.1:1/tasks?limit=3&after=6']);
  });

  it('find a cursor that repeats the last item of a page', async () => {
    const checks = await run(['limit', 'after'], tokenList(true).send);
    expect(checks.find((c) => c.id === 'contract:GET /tasks:pages')).toMatchObject({ status: 'failed', message: expect.stringMatching(/^the item 3 is on page 1 and again on page 2: the pages overlap\n/) });
  });

  it('read the next page from a Link header, an envelope or its links, and nothing at the end', () => {
    expect(nextOf(answer([], { link: '<http://x/tasks?page=2>; rel="next", <http://x/tasks?page=9>; rel="last"' }))).toBe('http://x/tasks?page=2');
    expect(nextOf(answer({ results: [], next: 'http://x/tasks?cursor=cD0y' }))).toBe('http://x/tasks?cursor=cD0y');
    expect(nextOf(answer({ items: [], links: { next: { href: '/tasks?after=5' } } }))).toBe('/tasks?after=5');
    expect(nextOf(answer({ items: [], nextPageToken: 'abc' }))).toBe('abc');
    expect(nextOf(answer({ results: [], next: null }))).toBeUndefined();
    expect(nextOf(answer([1, 2]))).toBeUndefined();
  });
});
