import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, type HttpRequest } from '../http/send.ts';
import type { CheckResult } from '../results/types.ts';
import { confirmFailures, forgetReplays, replayable } from './reproduce.ts';

/**
 * Reproduce before report, against a real loopback server whose routes fail in each way: always,
 * once, for a resource that is gone since, and a write whose retry is refused by its own first effect.
 */
let server: http.Server;
let base: string;
const calls = new Map<string, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const n = (calls.get(`${req.method} ${req.url}`) ?? 0) + 1;
    calls.set(`${req.method} ${req.url}`, n);
    const status = { '/always': 500, '/ok': 200, '/missing': 404, '/once': n === 1 ? 500 : 200, '/gone': n === 1 ? 500 : 404 }[req.url ?? ''];
    if (req.method === 'POST' && req.url === '/password') return res.writeHead(n === 1 ? 500 : 400).end();
    if (req.method === 'POST' && req.url === '/item') return res.writeHead(n === 1 ? 500 : 201).end();
    res.writeHead(status ?? 418).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failedOnce(path: string, method = 'GET'): Promise<CheckResult> {
  const request: HttpRequest = { method, url: `${base}${path}`, headers: {} };
  const response = await send(request);
  const check: CheckResult = { id: `contract:${method} ${path}:valid`, stage: 'contract', title: path, status: 'failed', message: `answered ${response.status}: a server error` };
  replayable(check.id, request, response);
  return check;
}

describe('reproduce before report', () => {
  it('names each outcome: reproduced, flaky, inconclusive for a resource gone and for a refused write, flaky for a write that succeeds again', async () => {
    forgetReplays();
    const checks = [await failedOnce('/always'), await failedOnce('/once'), await failedOnce('/gone'), await failedOnce('/password', 'POST'), await failedOnce('/item', 'POST')];
    await confirmFailures(checks, send);
    expect(checks.map((c) => [c.title, c.replay?.outcome, c.replay?.answers])).toEqual([
      ['/always', 'reproduced', [500, 500]],
      ['/once', 'flaky', [500, 200, 200]],
      ['/gone', 'inconclusive', [500, 404]],
      ['/password', 'inconclusive', [500, 400]],
      ['/item', 'flaky', [500, 201, 201]],
    ]);
    // The note is under the failure; its first line (the fingerprint's) is unchanged.
    expect(checks[1]?.message).toBe("answered 500: a server error\nflaky: answered 500 once, then 200 and 200 when sent again");
    expect(checks[0]?.message?.split('\n')).toEqual(['answered 500: a server error', 'replayed: answered 500 again']);
  });

  it('replays only failed checks with a 5xx, once: a passed check, a 4xx failure and a check replayed already are left alone', async () => {
    forgetReplays();
    const request = { method: 'GET', url: `${base}/always`, headers: {} };
    replayable('a', request, { status: 500 });
    replayable('b', request, { status: 422 });
    const checks: CheckResult[] = [
      { id: 'a', stage: 'contract', title: 'a', status: 'passed' },
      { id: 'b', stage: 'contract', title: 'b', status: 'failed' },
    ];
    const before = calls.get(`GET /always`) ?? 0;
    await confirmFailures(checks, send);
    expect(checks.every((c) => c.replay === undefined)).toBe(true);
    expect(calls.get('GET /always') ?? 0).toBe(before);
  });

  it('replays on a fresh resource when the one it named is gone', async () => {
    forgetReplays();
    const failed = (id: string): CheckResult => ({ id, stage: 'contract', title: id, status: 'failed', message: 'answered 500: a server error' });
    const [gone, other] = [failed('gone'), failed('other')];
    // /missing answers 404 (it answered 500 before a DELETE took it): the stage resolves the path again (here /always, then /once).
    for (const id of ['gone', 'other']) replayable(id, { method: 'GET', url: `${base}/missing`, headers: {} }, { status: 500 });
    await confirmFailures([gone], send, (r) => ({ ...r, url: r.url.replace('/missing', '/always') }));
    expect(gone.replay).toMatchObject({ outcome: 'reproduced', answers: [500, 404, 500], note: 'replayed on a fresh resource (/always): answered 500 again' });
    await confirmFailures([other], send, (r) => ({ ...r, url: r.url.replace('/missing', '/ok') }));
    expect(other.replay).toMatchObject({ outcome: 'flaky', answers: [500, 404, 200, 200] });
    // Without a fresh one, a 404 cannot tell.
    const alone = failed('alone');
    replayable('alone', { method: 'GET', url: `${base}/missing`, headers: {} }, { status: 500 });
    await confirmFailures([alone], send, () => undefined);
    expect(alone.replay).toMatchObject({ outcome: 'inconclusive', answers: [500, 404] });
  });

  it('counts an answer that cannot be had as no evidence: the failure stands', async () => {
    forgetReplays();
    const check: CheckResult = { id: 'x', stage: 'contract', title: 'x', status: 'failed', message: 'answered 500: a server error' };
    replayable('x', { method: 'GET', url: `${base}/once`, headers: {} }, { status: 500 });
    await confirmFailures([check], () => Promise.reject(new Error('ECONNREFUSED')));
    expect(check.replay).toMatchObject({ outcome: 'inconclusive', answers: [500, 0] });
    expect(check.replay?.note).toMatch(/got no answer, which cannot tell/);
  });
});
