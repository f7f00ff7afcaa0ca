import type pg from 'pg';
import type { Seams } from '../../seams.ts';

export interface MessageRow {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  risk_score: number | null;
  degraded: boolean;
  created_at: Date;
}

export const toMessage = (m: MessageRow) => ({ id: m.id, role: m.role, content: m.content, riskScore: m.risk_score, degraded: m.degraded, createdAt: m.created_at.toISOString() });

/** Conversation data, always scoped to the owner: another user's id finds nothing (404, not 403). */
export class ConversationRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly seams: Seams,
  ) {}

  async create(userId: string, title: string) {
    const { rows } = await this.pool.query<{ id: string; title: string; created_at: Date }>('insert into conversations (user_id, title) values ($1, $2) returning id, title, created_at', [userId, this.seams.conversationTitle(title)]);
    const c = rows[0] as { id: string; title: string; created_at: Date };
    return { id: c.id, title: c.title, createdAt: c.created_at.toISOString(), messageCount: 0, lastMessageAt: null };
  }

  list(userId: string, q?: string) {
    return this.seams.listConversations(this.pool, userId, q);
  }

  owned(userId: string, id: string) {
    return this.seams.findOwnedConversation(this.pool, userId, id);
  }

  async messages(conversationId: string, limit = 200): Promise<MessageRow[]> {
    const { rows } = await this.pool.query<MessageRow>(
      'select * from (select id, role, content, risk_score, degraded, created_at from messages where conversation_id = $1 order by created_at desc limit $2) m order by created_at',
      [conversationId, limit],
    );
    return rows;
  }

  async addMessage(conversationId: string, role: 'user' | 'assistant', content: string, riskScore: number | null, degraded = false): Promise<MessageRow> {
    const { rows } = await this.pool.query<MessageRow>(
      'insert into messages (conversation_id, role, content, risk_score, degraded) values ($1, $2, $3, $4, $5) returning id, role, content, risk_score, degraded, created_at',
      [conversationId, role, content, riskScore, degraded],
    );
    return rows[0] as MessageRow;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('delete from conversations where id = $1 and user_id = $2', [id, userId]);
    return rowCount === 1;
  }
}
