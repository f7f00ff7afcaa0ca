import type { Deps } from '../../deps.ts';
import { CRISIS_RESOURCES, type RiskAssessment } from '../crisis/scorer.ts';
import { UpstreamError, type ChatMessage } from '../../upstream/llm-client.ts';
import { ConversationRepository, toMessage, type MessageRow } from './repository.ts';

export const SYSTEM_PROMPT = 'You are a warm, supportive companion. Be brief, kind and practical. You are not a therapist.';
export const FALLBACK_REPLY = "I'm having trouble thinking right now, but I'm here with you. Could you tell me a little more while I catch up?";
export const CRISIS_PREFIX = "It sounds like you're going through something really painful, and you deserve support right now. ";

export interface Prepared {
  message: MessageRow;
  risk: RiskAssessment;
  history: ChatMessage[];
  escalationId: string | undefined;
}

/** Stores the user message, scores it, escalates high risk, and builds the prompt history. */
export async function prepareExchange(deps: Deps, repo: ConversationRepository, userId: string, conversationId: string, content: string): Promise<Prepared> {
  const risk = deps.seams.scoreRisk(content);
  const message = await repo.addMessage(conversationId, 'user', content, risk.score);
  deps.metrics.messages.inc({ role: 'user' });
  let escalationId: string | undefined;
  if (risk.level === 'high') {
    const { rows } = await deps.pool.query<{ id: string }>('insert into escalations (user_id, message_id, risk_score) values ($1, $2, $3) returning id', [userId, message.id, risk.score]);
    escalationId = rows[0]?.id;
    deps.metrics.escalations.inc();
  }
  const history = (await repo.messages(conversationId, 20)).map((m): ChatMessage => ({ role: m.role, content: m.content }));
  return { message, risk, history: [{ role: 'system', content: SYSTEM_PROMPT }, ...history], escalationId };
}

/** The assistant's reply; when the upstream fails the reply is a safe fallback marked degraded (never a 500). */
export async function reply(deps: Deps, repo: ConversationRepository, conversationId: string, prepared: Prepared, generate: () => Promise<string>) {
  let content: string;
  let degraded = false;
  try {
    content = await generate();
    deps.metrics.llmRequests.inc({ outcome: 'success' });
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    deps.metrics.llmRequests.inc({ outcome: 'failure' });
    if (!deps.seams.degradeOnUpstreamFailure) throw error;
    content = FALLBACK_REPLY;
    degraded = true;
  }
  if (prepared.risk.level === 'high') content = CRISIS_PREFIX + content;
  const saved = await repo.addMessage(conversationId, 'assistant', content, null, degraded);
  deps.metrics.messages.inc({ role: 'assistant' });
  // Best effort: the moderation queue's copy never fails the exchange (Redis down is handled by the limits).
  void deps.seams.cacheReply(deps.redis, saved.id, content).catch(() => undefined);
  return {
    message: toMessage(prepared.message),
    reply: toMessage(saved),
    risk: { score: prepared.risk.score, level: prepared.risk.level },
    ...(prepared.escalationId ? { escalationId: prepared.escalationId, crisisResources: CRISIS_RESOURCES.map((r) => ({ ...r })) } : {}),
  };
}
