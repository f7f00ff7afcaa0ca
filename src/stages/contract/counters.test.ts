import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { counterCheck } from './_counters.ts';

const op = (method: string, path: string): Operation => ({ id: `${method} ${path}`, operationId: undefined, method, path, parameters: [], body: undefined, responses: [], secured: false });
const OPS = [op('GET', '/posts/{id}'), op('POST', '/posts/{id}/likes'), op('POST', '/posts/{id}/tasks/{taskId}/done')];
const answer = (json: unknown): HttpResponse => ({ status: 200, headers: new Headers(), text: JSON.stringify(json), json, contentType: 'application/json', ms: 1 });

/** A post whose like action (one per user) adds the like once; a right counter follows the likes, a wrong one counts every request. */
function server(right: boolean) {
  const post = { id: 7, likeCount: 0, likes: [] as { id: number }[] };
  return async (r: HttpRequest): Promise<HttpResponse> => {
    if (r.method === 'POST') {
      if (post.likes.length === 0) post.likes.push({ id: 1 });
      post.likeCount = right ? post.likes.length : post.likeCount + 1;
      return answer({ ok: true });
    }
    return answer(post);
  };
}

const like: HttpRequest = { method: 'POST', url: 'http://127.0.0.1:1/posts/7/likes', headers: {} };

describe('counterCheck', () => {
  it('passes when the counter follows its list, once the action is sent again too', async () => {
    const send = server(true);
    await send(like);
    const check = await counterCheck(OPS[1] as Operation, { request: like, response: answer({}) }, OPS, send);
    expect(check).toMatchObject({ id: 'contract:POST /posts/{id}/likes:counter', status: 'passed', title: expect.stringContaining('likeCount ↔ likes') });
  });

  it('finds a counter that a retried action moves past its list', async () => {
    const send = server(false);
    await send(like);
    const check = await counterCheck(OPS[1] as Operation, { request: like, response: answer({}) }, OPS, send);
    expect(check?.status).toBe('failed');
    expect(check?.message).toMatch(/^after the same POST sent again \(200\): likeCount is 2, but likes holds 1\nreproduce: curl -i -X POST 'http:\/\/127\.0\.0\.1:1\/posts\/7\/likes' \(twice\)\nthen: curl -i -X GET 'http:\/\/127\.0\.0\.1:1\/posts\/7'/);
  });

  it('counts done items for a <x>Done counter, and says nothing where no counter has a list', async () => {
    const goal = { id: 7, tasksDone: 2, tasks: [{ id: 1, done: true }, { id: 2, doneAt: null }] };
    const request: HttpRequest = { method: 'POST', url: 'http://127.0.0.1:1/posts/7/tasks/1/done', headers: {} };
    const check = await counterCheck(OPS[2] as Operation, { request, response: answer({}) }, OPS, async (r) => answer(r.method === 'GET' ? goal : {}));
    expect(check?.message).toMatch(/^after POST \/posts\/7\/tasks\/1\/done \(200\): tasksDone is 2, but tasks has 1 done/);
    expect(await counterCheck(OPS[1] as Operation, { request: like, response: answer({}) }, OPS, async () => answer({ id: 7, views: 3 }))).toBeUndefined();
  });
});
