export interface SseEvent {
  event: string;
  data: string;
  /** ms since the request was sent. */
  atMs: number;
}

export interface TimedStream {
  status: number;
  contentType: string;
  events: SseEvent[];
  /** The body when the answer was not an event stream (an error). */
  text: string;
  /** ms from sending to the first event named `tokenEvent`; null when none came. */
  ttftMs: number | null;
  /** Gaps between consecutive token events, ms. */
  interTokenMs: number[];
  totalMs: number;
}

/**
 * Sends a request whose answer is server-sent events and times each event as it arrives (supertest
 * buffers whole bodies, so streams are read with fetch). Bounded by `timeoutMs`. The SSE framing is
 * parsed here: `event:`/`data:` lines, blank-line separated, which is all the format has.
 */
export async function timedStream(url: string, init: RequestInit, options: { tokenEvent?: string; timeoutMs?: number } = {}): Promise<TimedStream> {
  const tokenEvent = options.tokenEvent ?? 'token';
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('text/event-stream') || !response.body) {
    const text = await response.text();
    return { status: response.status, contentType, events: [], text, ttftMs: null, interTokenMs: [], totalMs: performance.now() - started };
  }
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const at = performance.now() - started;
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      events.push({ event, data: data.join('\n'), atMs: at });
    }
  }
  const tokens = events.filter((e) => e.event === tokenEvent);
  return {
    status: response.status,
    contentType,
    events,
    text: '',
    ttftMs: tokens[0]?.atMs ?? null,
    interTokenMs: tokens.slice(1).map((e, i) => e.atMs - (tokens[i] as SseEvent).atMs),
    totalMs: performance.now() - started,
  };
}
