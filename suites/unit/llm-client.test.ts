import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handlers } from '../../examples/companion-api/mocks/handlers.ts';
import { DECOMPOSE_PROMPT, decomposeGoal } from '../../examples/companion-api/src/modules/goals/decompose.ts';
import { CircuitBreaker } from '../../examples/companion-api/src/upstream/circuit-breaker.ts';
import { LlmClient, UpstreamError } from '../../examples/companion-api/src/upstream/llm-client.ts';

const BASE = 'http://llm.test';
const server = setupServer(...handlers);
let calls = 0;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  calls = 0;
});
afterAll(() => server.close());

const client = (overrides: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}) =>
  new LlmClient({ baseUrl: BASE, apiKey: 'k', model: 'm', timeoutMs: 200, retries: 2, backoffMs: 1, ...overrides });
const countedFailure = (status: number) =>
  http.post(`${BASE}/v1/chat/completions`, () => {
    calls += 1;
    return HttpResponse.json({ error: { message: 'boom' } }, { status });
  });

describe('LlmClient against the msw upstream', () => {
  it('returns the completion text, deterministically', async () => {
    const a = await client().complete([{ role: 'user', content: 'hello' }]);
    const b = await client().complete([{ role: 'user', content: 'hello' }]);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(10);
  });

  it('streams the same reply token by token', async () => {
    const whole = await client().complete([{ role: 'user', content: 'stream me' }]);
    const parts: string[] = [];
    for await (const delta of client().stream([{ role: 'user', content: 'stream me' }])) parts.push(delta);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.join('')).toBe(whole);
  });

  it('retries 5xx with backoff, then fails with an UpstreamError', async () => {
    server.use(countedFailure(500));
    await expect(client().complete([{ role: 'user', content: 'x' }])).rejects.toThrow(new UpstreamError('upstream answered 500'));
    expect(calls).toBe(3);
  });

  it('does not retry a 4xx', async () => {
    server.use(countedFailure(400));
    await expect(client().complete([{ role: 'user', content: 'x' }])).rejects.toThrow('upstream answered 400');
    expect(calls).toBe(1);
  });

  it('times out a slow upstream', async () => {
    server.use(http.post(`${BASE}/v1/chat/completions`, async () => {
      await delay(1_000);
      return HttpResponse.json({});
    }));
    await expect(client({ retries: 0, timeoutMs: 50 }).complete([{ role: 'user', content: 'x' }])).rejects.toThrow('upstream timed out after 50 ms');
  });

  it('rejects a malformed completion', async () => {
    server.use(http.post(`${BASE}/v1/chat/completions`, () => HttpResponse.text('not json')));
    await expect(client().complete([{ role: 'user', content: 'x' }])).rejects.toThrow('malformed completion');
  });

  it('opens the circuit after repeated failures and stops calling the upstream', async () => {
    server.use(countedFailure(503));
    const llm = client({ retries: 0, breaker: new CircuitBreaker(2, 60_000) });
    await expect(llm.complete([{ role: 'user', content: 'x' }])).rejects.toThrow();
    await expect(llm.complete([{ role: 'user', content: 'x' }])).rejects.toThrow();
    const open = await llm.complete([{ role: 'user', content: 'x' }]).catch((e: UpstreamError) => e);
    expect(open).toBeInstanceOf(UpstreamError);
    expect((open as UpstreamError).message).toBe('upstream circuit is open');
    expect((open as UpstreamError).retryAfterSeconds).toBeGreaterThan(0);
    expect(calls).toBe(2);
  });

  it('counts malformed answers as failures: they open the circuit like 500s do', async () => {
    server.use(http.post(`${BASE}/v1/chat/completions`, () => HttpResponse.text('{"choices": [ <truncated')));
    const llm = client({ retries: 0, breaker: new CircuitBreaker(2, 60_000) });
    for (let i = 0; i < 2; i++) await expect(llm.complete([{ role: 'user', content: 'x' }])).rejects.toThrow('malformed completion');
    expect(llm.breaker.state).toBe('open');
  });

  it('bounds a stream by the gap between chunks, not its length: a long stream that keeps flowing completes', async () => {
    const sse = (gapMs: number, count: number) =>
      http.post(`${BASE}/v1/chat/completions`, () => {
        const encoder = new TextEncoder();
        let i = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await delay(gapMs);
            if (i === count) {
              controller.enqueue(encoder.encode('data: [DONE]\n\n'));
              return controller.close();
            }
            controller.enqueue(encoder.encode(`data: ${JSON.stringify({ choices: [{ delta: { content: `w${i++} ` } }] })}\n\n`));
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      });
    server.use(sse(30, 10)); // 300 ms in all, 30 ms apart: longer than the 100 ms timeout, never idle that long
    const parts: string[] = [];
    for await (const delta of client({ timeoutMs: 100 }).stream([{ role: 'user', content: 'x' }])) parts.push(delta);
    expect(parts).toHaveLength(10);
    server.use(sse(300, 3)); // stalls for longer than the timeout: an UpstreamError, counted by the breaker
    const llm = client({ timeoutMs: 100, breaker: new CircuitBreaker(1, 60_000) });
    const consume = async () => {
      for await (const _ of llm.stream([{ role: 'user', content: 'x' }])) void _;
    };
    await expect(consume()).rejects.toThrow(/upstream stream (stalled|broke off)|timed out/);
    expect(llm.breaker.state).toBe('open');
  });

  it('transcribes audio', async () => {
    const text = await client().transcribe(Buffer.from('TRANSCRIPT: I feel better today'), 'clip.webm', 'audio/webm');
    expect(text).toBe('I feel better today');
  });
});

describe('goal decomposition', () => {
  it('turns the structured JSON answer into task titles', async () => {
    const tasks = await decomposeGoal(client(), 'Run a 5k');
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    expect(tasks[0]).toContain('Run a 5k');
  });

  it('treats a non-JSON or empty answer as an upstream failure', async () => {
    server.use(http.post(`${BASE}/v1/chat/completions`, async ({ request }) => {
      const body = (await request.json()) as { messages: { content: string }[] };
      expect(body.messages[0]?.content).toBe(DECOMPOSE_PROMPT);
      return HttpResponse.json({ choices: [{ message: { content: '{"tasks": []}' } }] });
    }));
    await expect(decomposeGoal(client(), 'x')).rejects.toThrow('no usable task');
  });
});
