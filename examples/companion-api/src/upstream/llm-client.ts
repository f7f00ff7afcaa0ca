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
    const response = await this.call('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json().catch(() => undefined)) as { choices?: { message?: { content?: unknown } }[] } | undefined;
    const content = json?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new UpstreamError('upstream returned a malformed completion');
    return content;
  }

  /** Yields content deltas of a streamed completion (SSE `data:` lines, `[DONE]` terminates). */
  async *stream(messages: ChatMessage[]): AsyncGenerator<string> {
    const response = await this.call('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ model: this.options.model, messages, stream: true }),
    });
    if (!response.body) throw new UpstreamError('upstream stream has no body');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        const parsed = JSON.parse(data) as { choices?: { delta?: { content?: string } }[] };
        const delta = parsed.choices?.[0]?.delta?.content;
        if (delta) yield delta;
      }
    }
  }

  async transcribe(audio: Buffer, filename: string, mimeType: string): Promise<string> {
    const form = new FormData();
    form.set('file', new Blob([audio], { type: mimeType }), filename);
    form.set('model', 'whisper-1');
    const response = await this.call('/v1/audio/transcriptions', { method: 'POST', body: form });
    const json = (await response.json().catch(() => undefined)) as { text?: unknown } | undefined;
    if (typeof json?.text !== 'string') throw new UpstreamError('upstream returned a malformed transcription');
    return json.text;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    if (!this.breaker.canPass()) throw new UpstreamError('upstream circuit is open', this.breaker.retryAfterSeconds);
    const backoff = this.options.backoffMs ?? 100;
    let lastError = 'unknown';
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
      try {
        const response = await fetch(`${this.options.baseUrl}${path}`, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.options.apiKey}` },
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        if (response.ok) {
          this.breaker.success();
          return response;
        }
        await response.arrayBuffer().catch(() => undefined); // drain, so the connection can be reused
        lastError = `upstream answered ${response.status}`;
        if (response.status !== 429 && response.status < 500) break; // not retryable
      } catch (error) {
        lastError = (error as Error).name === 'TimeoutError' ? `upstream timed out after ${this.options.timeoutMs} ms` : `upstream unreachable: ${(error as Error).message}`;
      }
    }
    this.breaker.failure();
    throw new UpstreamError(lastError, this.breaker.state === 'open' ? this.breaker.retryAfterSeconds : undefined);
  }
}
