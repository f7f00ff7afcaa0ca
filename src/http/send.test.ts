import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError } from './network-error.ts';
import { send } from './send.ts';

/**
 * A minimal HTTP/1.1 server that closes every idle connection 1 ms after its last answer and sends
 * no Keep-Alive hint, as uvicorn does: a client that reuses the connection races the close. (Node's
 * own http server announces `Keep-Alive: timeout=…`, which fetch honours, so it cannot show this.)
 */
function impatientServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    let buffered = Buffer.alloc(0);
    let idle: NodeJS.Timeout | undefined;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      clearTimeout(idle);
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffered.subarray(0, end).toString())?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}');
        idle = setTimeout(() => socket.destroy(), 1);
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
        connections: () => connections,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

describe('send() against a server with a 1 ms keep-alive timeout', () => {
  let server: Awaited<ReturnType<typeof impatientServer>>;
  beforeAll(async () => {
    server = await impatientServer();
  });
  afterAll(() => server.close());

  it('500 sequential requests with pauses: 0 network errors', async () => {
    const failures: string[] = [];
    for (let i = 0; i < 500; i++) {
      const body = i % 2 ? { json: { n: i } } : undefined;
      await send({ method: i % 2 ? 'POST' : 'GET', url: `${server.url}/items`, headers: {}, ...(body ? { body } : {}) }).then(
        (r) => expect(r.json).toEqual({ ok: true }),
        (error: Error) => failures.push(error.message),
      );
      await sleep(i % 3); // 0, 1 or 2 ms: the close lands before, during and after the next request
    }
    expect(failures).toEqual([]);
    // The race was real: the server closed connections under the client many times.
    expect(server.connections()).toBeGreaterThan(50);
  });
});

describe('a request that gets no answer', () => {
  it('names the request, what happened and every cause with its code and address', async () => {
    const closed = net.createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as net.AddressInfo).port)));
    await new Promise((done) => closed.close(done));
    const error = await send({ method: 'GET', url: `http://127.0.0.1:${port}/health`, headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ECONNREFUSED');
    expect((error as Error).message).toMatch(new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/health: no answer: fetch failed ← .*\\(ECONNREFUSED, connect, 127\\.0\\.0\\.1:${port}\\)`));
  });
});
