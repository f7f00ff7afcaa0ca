import { setTimeout as sleep } from 'node:timers/promises';
import { CircuitBreaker } from './circuit-breaker.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface LlmOptions {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  retries: number;
  /** Base backoff between retries, doubled each time. */
  backoffMs?: number;
  breaker?: CircuitBreaker;
}

/**
 * Client for an OpenAI-compatible upstream: per-attempt timeout, retries with exponential backoff on
 * network errors, 429 and 5xx, and a circuit breaker so an unhealthy upstream is not hammered.
 */
export class LlmClient {
  readonly breaker: CircuitBreaker;

  constructor(private readonly options: LlmOptions) {
    this.breaker = options.breaker ?? new CircuitBreaker();
  }

  async complete(messages: ChatMessage[], opts: { json?: boolean } = {}): Promise<string> {
    const body = { model: this.options.model, messages, ...(opts.json ? { response_format: { type: 'json_object' } } : {}) };
    const { response } = await this.call('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json().catch(() => undefined)) as { choices?: { message?: { content?: unknown } }[] } | undefined;
    const content = json?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw this.failed('upstream returned a malformed completion');
    this.breaker.success();
    return content;
  }

  /**
   * Yields content deltas of a streamed completion (SSE `data:` lines, `[DONE]` terminates). The
   * timeout bounds the wait for the answer and then each gap between chunks, not the whole stream:
   * a long reply that keeps flowing is not cut off. A stream that breaks off, stalls or carries
   * garbage is an UpstreamError, like any other upstream failure.
   */
  async *stream(messages: ChatMessage[]): AsyncGenerator<string> {
    const { response, abort } = await this.call(
      '/v1/chat/completions',
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ model: this.options.model, messages, stream: true }) },
      { streaming: true },
    );
    if (!response.body) throw this.failed('upstream stream has no body');
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    // Each read races its own timer: the gap between chunks is bounded whatever the fetch
    // implementation does with an abort once the body has started.
    const nextChunk = () => {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`upstream stream stalled for ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      });
      return Promise.race([reader.read(), stalled]).finally(() => clearTimeout(timer));
    };
    let buffer = '';
    let yielded = false;
    try {
      for (let chunk = await nextChunk(); !chunk.done; chunk = await nextChunk()) {
        buffer += decoder.decode(chunk.value, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') {
            if (!yielded) throw this.failed('upstream stream ended without content');
            this.breaker.success();
            return;
          }
          let parsed: { choices?: { delta?: { content?: string } }[] };
          try {
            parsed = JSON.parse(data);
          } catch {
            throw this.failed('upstream stream carried malformed JSON');
          }
          const delta = parsed.choices?.[0]?.delta?.content;
          if (delta) {
            yielded = true;
            yield delta;
          }
        }
      }
      throw this.failed('upstream stream ended without [DONE]');
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw this.failed(`upstream stream broke off: ${(error as Error).message}`);
    } finally {
      abort('the stream is done with');
      reader.cancel().catch(() => undefined);
    }
  }

  async transcribe(audio: Buffer, filename: string, mimeType: string): Promise<string> {
    const form = new FormData();
    form.set('file', new Blob([audio], { type: mimeType }), filename);
    form.set('model', 'whisper-1');
    const { response } = await this.call('/v1/audio/transcriptions', { method: 'POST', body: form });
    const json = (await response.json().catch(() => undefined)) as { text?: unknown } | undefined;
    if (typeof json?.text !== 'string') throw this.failed('upstream returned a malformed transcription');
    this.breaker.success();
    return json.text;
  }

  /** A failed call: counted by the circuit breaker (a malformed answer is as bad as a 500). */
  private failed(message: string): UpstreamError {
    this.breaker.failure();
    return new UpstreamError(message, this.breaker.state === 'open' ? this.breaker.retryAfterSeconds : undefined);
  }

  /**
   * The HTTP exchange with retries. Success is recorded by the caller once the answer has proved
   * usable. For streams the timeout only covers the wait for the response head; the caller bounds
   * the gaps between chunks with `abort`.
   */
  private async call(path: string, init: RequestInit, opts: { streaming?: boolean } = {}): Promise<{ response: Response; abort(reason: string): void }> {
    if (!this.breaker.canPass()) throw new UpstreamError('upstream circuit is open', this.breaker.retryAfterSeconds);
    const backoff = this.options.backoffMs ?? 100;
    let lastError = 'unknown';
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException(`upstream timed out after ${this.options.timeoutMs} ms`, 'TimeoutError')), this.options.timeoutMs);
      timer.unref(); // for a completion it also bounds reading the body; it may outlive the call harmlessly
      try {
        const response = await fetch(`${this.options.baseUrl}${path}`, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.options.apiKey}` },
          signal: controller.signal,
        });
        if (opts.streaming) clearTimeout(timer);
        if (response.ok) return { response, abort: (reason) => controller.abort(new DOMException(reason, 'TimeoutError')) };
        clearTimeout(timer);
        await response.arrayBuffer().catch(() => undefined); // drain, so the connection can be reused
        lastError = `upstream answered ${response.status}`;
        if (response.status !== 429 && response.status < 500) break; // not retryable
      } catch (error) {
        clearTimeout(timer);
        lastError = (error as Error).name === 'TimeoutError' ? `upstream timed out after ${this.options.timeoutMs} ms` : `upstream unreachable: ${(error as Error).message}`;
      }
    }
    throw this.failed(lastError);
  }
}
