import type { Flaw } from './_flaw.ts';
import { summary } from '../seams.ts';

export const flaw: Flaw = {
  name: 'n-plus-one-list',
  summary: 'The conversation list runs two more queries per conversation (N+1), so it slows as users chat.',
  caughtBy: 'load: load:server:statements-per-request and load:server:statement-repeats (pg_stat_statements, smoke profile), and the regression of list-conversations p95 against a clean baseline',
  apply(seams) {
    seams.listConversations = async (pool, userId, q) => {
      const { rows } = await pool.query<{ id: string; title: string; created_at: Date }>(
        `select id, title, created_at from conversations where user_id = $1 and ($2::text is null or title ilike '%' || $2 || '%') order by created_at desc limit 100`,
        [userId, q ?? null],
      );
      const out = [];
      for (const c of rows) {
        const count = await pool.query<{ n: string }>('select count(*) as n from messages where conversation_id = $1', [c.id]);
        const last = await pool.query<{ at: Date | null }>('select max(created_at) as at from messages where conversation_id = $1', [c.id]);
        out.push(summary({ ...c, message_count: count.rows[0]?.n ?? 0, last_message_at: last.rows[0]?.at ?? null }));
      }
      return out;
    };
  },
};
