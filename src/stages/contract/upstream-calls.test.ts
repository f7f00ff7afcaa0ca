import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { StartedUpstream } from '../../upstreams/mock-upstream.ts';
import { UpstreamCalls } from './_upstream-calls.ts';

const op = (id: string): Operation => ({ id, operationId: undefined, method: 'POST', path: id.split(' ')[1] as string, parameters: [], body: undefined, responses: [], secured: false });
const OPS = [op('POST /chat'), op('POST /goals')];
const request = (path: string): HttpRequest => ({ method: 'POST', url: `http://127.0.0.1:1${path}`, headers: {} });
const answer = (status: number): HttpResponse => ({ status, headers: new Headers(), text: '', json: undefined, contentType: '', ms: 1 });

/** A target in front of one failing upstream: each request calls it `callsFor(n)` times (n counts requests), then answers `statusFor(n)`. */
function target(callsFor: (n: number) => number, statusFor: (n: number, path: string) => number = () => 503) {
  const upstream = { name: 'llm', calls: 0 } as { name: string; calls: number };
  let n = 0;
  const send = async (r: HttpRequest) => {
    upstream.calls += callsFor(n);
    return answer(statusFor(n++, new URL(r.url).pathname));
  };
  return { upstream: upstream as unknown as StartedUpstream, send };
}

async function judge(t: ReturnType<typeof target>) {
  const calls = new UpstreamCalls([t.upstream], { maxPerRequest: 4, breakerAfter: 10 });
  await calls.measure(OPS[0] as Operation, request('/chat'), t.send);
  await calls.measure(OPS[1] as Operation, request('/goals'), t.send);
  await calls.probeBreaker(OPS, t.send);
  return calls.checks()[0];
}

describe('upstream calls per client request', () => {
  it('pass when a breaker opens: 3 calls a request, then none', async () => {
    const check = await judge(target((n) => (n < 5 ? 3 : 0)));
    expect(check).toMatchObject({ id: 'contract:upstream:llm:calls', status: 'passed', message: 'calls per request, in order: 3, 3, 3, 3, 3, 0' });
  });

  it('find a retry storm and no breaker, naming the operations and the counts', async () => {
    const check = await judge(target(() => 9));
    expect(check?.status).toBe('failed');
    expect(check?.message).toMatch(/^a retry storm: one POST \/chat caused 9 calls to llm \(at most 4: a call and its retries\)\na retry storm: one POST \/goals caused 9 calls to llm[^\n]*\nno breaker: after 10 client requests failed in a row, each still caused 9 calls to llm \(calls per request, in order: 9(, 9){10}\)/);
  });

  it('do not take a request that failed before the upstream (a 500 with no call) or was refused (429) for an open breaker', async () => {
    // /chat is rate limited after its first request, and /goals fails early from the 6th on: neither is a breaker.
    const check = await judge(target((n) => (n >= 6 ? 0 : 3), (n, path) => (path === '/chat' && n > 0 ? 429 : n >= 6 ? 500 : 503)));
    expect(check?.status).toBe('passed');
    expect(check?.message).toBe('calls per request, in order: 3, 3, 3, 3, 3; the breaker was not judged: only 5 failed requests reached llm (the others were refused by the target itself)');
  });

  it('say it was not checked when nothing called the upstream', async () => {
    expect(await judge(target(() => 0))).toMatchObject({ status: 'skipped', message: 'not checked: no request of the outage pass called llm' });
  });
});
