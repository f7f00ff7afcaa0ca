import { expectStatus, journey, type JourneyKit, type TimedStream } from '../../../src/e2e/index.ts';
import { ensure, signUpSteps, type SignedIn } from './_shared.ts';

interface State extends SignedIn {
  conversationId: string;
  streamed: string[];
}

/** A streamed reply's shape: tokens, then `done` with the stored exchange whose reply is the tokens joined. */
export function checkStream(stream: TimedStream): { text: string; exchange: any } {
  ensure(stream.status === 200, `the stream answered ${stream.status} ${stream.contentType}: ${stream.text.slice(0, 300)}`);
  const tokens = stream.events.filter((e) => e.event === 'token');
  const done = stream.events.at(-1);
  ensure(tokens.length >= 2, `expected several token events, got ${tokens.length}`);
  ensure(done?.event === 'done', `the stream did not end with a done event (last: ${done?.event})`);
  const text = tokens.map((e) => JSON.parse(e.data).delta as string).join('');
  const exchange = JSON.parse(done.data);
  ensure(exchange.reply?.content === text, `done.reply.content differs from the streamed tokens joined: ${JSON.stringify(exchange.reply?.content)} vs ${JSON.stringify(text)}`);
  return { text, exchange };
}

async function streamOnce(k: JourneyKit, s: State, label: string): Promise<void> {
  const stream = await k.client.stream('streamMessage', { session: s.session, params: { id: s.conversationId }, body: s.f.messages.build() });
  const { text } = checkStream(stream);
  k.measure('stream.ttft', stream.ttftMs as number, label);
  for (const gap of stream.interTokenMs) k.measure('stream.inter-token', gap, label);
  s.streamed.push(text);
}

/** Streaming chat: time to first token and inter-token latency measured (the e2e stage gates them). */
export const streamingJourney = journey<State>('streaming chat: tokens arrive promptly and the streamed reply is stored', () => ({ streamed: [] }) as unknown as State, {
  ...signUpSteps<State>(4),
  'start a conversation': async (k, s) => {
    s.conversationId = expectStatus(await k.client.call('createConversation', { session: s.session, body: s.f.conversations.build() }), 201).data.id;
  },
  'stream a reply: tokens, then done with the stored exchange': async (k, s) => streamOnce(k, s, 'streaming chat'),
  'stream four more replies (time to first token and inter-token gaps recorded)': async (k, s) => {
    for (let i = 0; i < 4; i++) await streamOnce(k, s, 'streaming chat');
  },
  'the streamed replies are stored in the conversation': async (k, s) => {
    const c = expectStatus(await k.client.call('getConversation', { session: s.session, params: { id: s.conversationId } }), 200);
    const replies = (c.data.messages as { role: string; content: string }[]).filter((m) => m.role === 'assistant').map((m) => m.content);
    ensure(JSON.stringify(replies) === JSON.stringify(s.streamed), `stored replies ${JSON.stringify(replies)} differ from the streamed ${JSON.stringify(s.streamed)}`);
  },
});
