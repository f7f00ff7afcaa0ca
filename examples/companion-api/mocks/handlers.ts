import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';

/**
 * The upstream LLM and speech APIs (OpenAI-compatible shapes), deterministic: every answer is a
 * function of the request, so the same conversation always gets the same replies.
 * Used in-process (setupServer, unit tests) and as a loopback server (Gauntlet `upstreams`).
 */
const REPLIES = [
  "That sounds like a lot to carry. What part of it feels heaviest right now?",
  "Thank you for sharing that with me. Would it help to break it into one small next step?",
  "It makes sense that you feel that way. What has helped you before in moments like this?",
  "I'm glad you reached out. What would make the rest of today a little easier?",
];

function seeded(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

interface ChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  response_format?: { type: string };
}

function completion(content: string, model: string) {
  return {
    id: `chatcmpl-${seeded(content).toString(16)}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 42, completion_tokens: content.split(' ').length, total_tokens: 42 + content.split(' ').length },
  };
}

export function answerFor(body: ChatBody): string {
  const system = body.messages?.find((m) => m.role === 'system')?.content ?? '';
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
  if (system.includes('Break the user')) {
    const goal = last.trim();
    return JSON.stringify({ tasks: [{ title: `Define what "${goal}" means for you` }, { title: 'Pick the first small step and schedule it' }, { title: 'Do the first step and note how it went' }, { title: 'Review progress and adjust the plan' }] });
  }
  if (system.includes('story')) return `Step by step, you made it happen. ${last.split('\n')[0]} — and every task along the way showed what you are capable of.`;
  return REPLIES[seeded(last) % REPLIES.length] as string;
}

/** Tokens this far apart, like a real model's stream (so inter-token latency is a real figure, not 0). */
export const TOKEN_INTERVAL_MS = 5;

function sse(content: string, model: string): Response {
  const words = content.split(/(?<= )/);
  const encoder = new TextEncoder();
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, TOKEN_INTERVAL_MS));
      const word = words[i];
      if (word === undefined) {
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        controller.close();
        return;
      }
      const chunk = { id: 'chatcmpl-stream', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: word } : { content: word }, finish_reason: null }] };
      controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
      i += 1;
    },
  });
  return new Response(stream, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
}

export const handlers = [
  http.post('*/v1/chat/completions', async ({ request }) => {
    const body = (await request.json()) as ChatBody;
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return HttpResponse.json({ error: { message: "'messages' is required", type: 'invalid_request_error', param: 'messages', code: null } }, { status: 400 });
    }
    const model = body.model ?? 'gpt-4o-mini';
    const content = answerFor(body);
    return body.stream ? sse(content, model) : HttpResponse.json(completion(content, model));
  }),
  http.post('*/v1/audio/transcriptions', async ({ request }) => {
    const form = await request.formData();
    const file = form.get('file');
    if (!(file instanceof Blob) || file.size === 0) {
      return HttpResponse.json({ error: { message: "'file' is required", type: 'invalid_request_error', param: 'file', code: null } }, { status: 400 });
    }
    // Test clips may start with their transcript as a line of text ("TRANSCRIPT: ...\n", then the
    // recording's bytes); real audio gets a fixed sentence.
    const head = Buffer.from(await file.arrayBuffer()).toString('utf8', 0, 2_000);
    const text = head.startsWith('TRANSCRIPT:') ? (head.slice('TRANSCRIPT:'.length).split('\n')[0] as string).trim() : 'I wanted to talk about my day.';
    return HttpResponse.json({ text });
  }),
];
