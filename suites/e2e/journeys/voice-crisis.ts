import { expectStatus, journey } from '../../../src/e2e/index.ts';
import type { Session } from '../../../src/http/session.ts';
import { ensure, signUpSteps, type SignedIn } from './_shared.ts';

interface State extends SignedIn {
  conversationId: string;
  escalationId: string;
  admin: Session;
}

/** Register → login → voice upload → transcription → reply → crisis detected → escalation visible to an admin → resolved. */
export const voiceCrisisJourney = journey<State>('voice and crisis: a spoken crisis is escalated to an admin, who resolves it', () => ({}) as State, {
  ...signUpSteps<State>(2),
  'start a conversation': async (k, s) => {
    s.conversationId = expectStatus(await k.client.call('createConversation', { session: s.session, body: s.f.conversations.build() }), 201).data.id;
  },
  'upload a voice clip: it is transcribed and answered': async (k, s) => {
    const clip = s.f.audio.clip();
    const r = expectStatus(await k.client.call('uploadVoice', { session: s.session, params: { id: s.conversationId }, attach: { field: 'audio', ...clip } }), 201);
    ensure(r.data.transcript === clip.transcript, `transcript is ${JSON.stringify(r.data.transcript)}, expected ${JSON.stringify(clip.transcript)}`);
    ensure(r.data.message?.content === clip.transcript, 'the transcript did not enter the conversation as the user message');
    ensure(r.data.reply?.content?.length > 0, `no reply: ${r.text}`);
    ensure(r.data.risk?.level !== 'high' && !r.data.escalationId, `an everyday clip was escalated: ${r.text}`);
  },
  'a voice clip in crisis: risk is high, an escalation opens, crisis resources are offered': async (k, s) => {
    const clip = s.f.audio.crisis();
    const r = expectStatus(await k.client.call('uploadVoice', { session: s.session, params: { id: s.conversationId }, attach: { field: 'audio', ...clip } }), 201);
    ensure(r.data.risk?.level === 'high', `"${clip.transcript}" was scored ${JSON.stringify(r.data.risk)}, expected level high`);
    ensure(typeof r.data.escalationId === 'string', `no escalation was opened: ${r.text}`);
    ensure(Array.isArray(r.data.crisisResources) && r.data.crisisResources.length > 0, 'no crisis resources were offered');
    s.escalationId = r.data.escalationId;
  },
  'a normal user cannot see escalations': async (k, s) => {
    expectStatus(await k.client.call('listEscalations', { session: s.session }), 403);
  },
  'the escalation is visible to an admin': async (k, s) => {
    ensure(k.admin, 'no admin configured: set stages.e2e.admin (or stages.security.admin.credentials)');
    s.admin = await k.client.signUp(k.admin);
    const open = expectStatus(await k.client.call('listEscalations', { session: s.admin, query: { status: 'open' } }), 200);
    ensure((open.data as { id: string }[]).some((e) => e.id === s.escalationId), `escalation ${s.escalationId} is not among the ${open.data.length} open ones`);
  },
  'the admin resolves it': async (k, s) => {
    const r = expectStatus(await k.client.call('resolveEscalation', { session: s.admin, params: { id: s.escalationId }, body: { note: 'Called the user; they are safe and connected to local support.' } }), 200);
    ensure(r.data.status === 'resolved' && r.data.resolvedAt, `after resolving: ${r.text}`);
  },
  'it is listed as resolved, no longer open': async (k, s) => {
    const open = expectStatus(await k.client.call('listEscalations', { session: s.admin, query: { status: 'open' } }), 200);
    ensure(!(open.data as { id: string }[]).some((e) => e.id === s.escalationId), 'the resolved escalation is still listed as open');
    const resolved = expectStatus(await k.client.call('listEscalations', { session: s.admin, query: { status: 'resolved' } }), 200);
    ensure((resolved.data as { id: string }[]).some((e) => e.id === s.escalationId), 'the escalation is not listed as resolved');
  },
});
