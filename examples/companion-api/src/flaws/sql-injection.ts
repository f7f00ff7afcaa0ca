import type { Flaw } from './_flaw.ts';
import { summary } from '../seams.ts';

export const flaw: Flaw = {
  name: 'sql-injection',
  summary: 'The conversation search builds SQL by string concatenation.',
  caughtBy: 'security: injection (SQL tautology and error text through GET /conversations?q=)',
  apply(seams) {
    seams.listConversations = async (pool, userId, q) => {
      const search = q ? ` and c.title ilike '%${q}%'` : '';
      const { rows } = await pool.query(
        `select c.id, c.title, c.created_at, count(m.id) as message_count, max(m.created_at) as last_message_at
           from conversations c left join messages m on m.conversation_id = c.id
          where c.user_id = '${userId}'${search} group by c.id order by c.created_at desc limit 100`,
      );
      return rows.map(summary);
    };
  },
};
