import { expectStatus, journey } from '../../../src/e2e/index.ts';
import { ensure, signUpSteps, type SignedIn } from './_shared.ts';

interface State extends SignedIn {
  before: Record<string, number>;
  conversationId: string;
  sent: string[];
  oldRefresh: string | undefined;
}

/** Register → login → chat with history → refresh token → logout, with health and metrics watched. */
export const chatJourney = journey<State>('chat: register, log in, chat with history, refresh the token, log out', () => ({ sent: [] }) as unknown as State, {
  'the target is healthy and its metrics are readable': async (k, s) => {
    const h = await k.health();
    ensure(h.status === 200, `health answered ${h.status}: ${JSON.stringify(h.body)}`);
    for (const [name, status] of Object.entries(h.dependencies)) ensure(status === k.up, `health reports ${name} as ${status}, expected ${k.up}`);
    s.before = await k.counters();
  },
  ...signUpSteps<State>(1),
  'start a conversation': async (k, s) => {
    const r = expectStatus(await k.client.call('createConversation', { session: s.session, body: s.f.conversations.build() }), 201);
    ensure(typeof r.data?.id === 'string', `the new conversation has no id: ${r.text}`);
    s.conversationId = r.data.id;
  },
  'send a message: the assistant replies': async (k, s) => {
    const message = s.f.messages.build();
    const r = expectStatus(await k.client.call('sendMessage', { session: s.session, params: { id: s.conversationId }, body: message }), 201);
    ensure(r.data.message?.content === message.content, `the stored message differs from the one sent: ${r.text}`);
    ensure(r.data.reply?.role === 'assistant' && r.data.reply.content.length > 0, `no assistant reply: ${r.text}`);
    ensure(r.data.reply.degraded !== true, 'the reply is the degraded fallback although the upstream is healthy');
    s.sent.push(message.content, r.data.reply.content);
  },
  'send another: the conversation keeps its history in order': async (k, s) => {
    const message = s.f.messages.build();
    const r = expectStatus(await k.client.call('sendMessage', { session: s.session, params: { id: s.conversationId }, body: message }), 201);
    s.sent.push(message.content, r.data.reply.content);
    const c = expectStatus(await k.client.call('getConversation', { session: s.session, params: { id: s.conversationId } }), 200);
    const history = (c.data.messages as { role: string; content: string }[]).map((m) => m.content);
    ensure(JSON.stringify(history) === JSON.stringify(s.sent), `history is ${JSON.stringify(history)}, expected ${JSON.stringify(s.sent)}`);
  },
  'the metrics counters moved with the requests': async (k, s) => {
    const after = await k.counters();
    for (const [name, value] of Object.entries(after)) ensure(value > (s.before[name] ?? 0), `${name} did not move: ${s.before[name]} before, ${value} after`);
  },
  'refresh the token: the new pair works and the old refresh token is spent': async (k, s) => {
    s.oldRefresh = s.session.refreshToken;
    const refreshed = await k.client.refresh(s.session);
    ensure(refreshed.session, `refresh answered ${refreshed.status}`);
    s.session = refreshed.session;
    expectStatus(await k.client.call('getConversation', { session: s.session, params: { id: s.conversationId } }), 200);
    const again = await k.client.refresh({ ...s.session, refreshToken: s.oldRefresh });
    ensure(again.status === 401, `the spent refresh token was answered ${again.status}, expected 401`);
  },
  'log out: the access token is refused afterwards': async (k, s) => {
    const status = await k.client.logout(s.session);
    ensure(status >= 200 && status < 300, `logout answered ${status}`);
    expectStatus(await k.client.call('getConversation', { session: s.session, params: { id: s.conversationId } }), 401);
  },
});
