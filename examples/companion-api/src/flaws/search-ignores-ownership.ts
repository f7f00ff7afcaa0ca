import type { Flaw } from './_flaw.ts';
import { summary } from '../seams.ts';

export const flaw: Flaw = {
  name: 'search-ignores-ownership',
  summary: "The conversation search looks in everyone's conversations: the list is scoped to the user only without a search term.",
  caughtBy: "security: `security:authz:list:GET /conversations` (user B searches with a term from user A's conversation)",
  apply(seams) {
    seams.listConversations = async (pool, userId, q) => {
      // The owner filter sits only on the branch without a search term.
      const { rows } = await pool.query<{ id: string; title: string; created_at: Date; message_count: string; last_message_at: Date | null }>(
        `select c.id, c.title, c.created_at, count(m.id) as message_count, max(m.created_at) as last_message_at
           from conversations c left join messages m on m.conversation_id = c.id
          where ($2::text is null and c.user_id = $1) or c.title ilike '%' || $2 || '%'
          group by c.id order by c.created_at desc limit 100`,
        [userId, q ?? null],
      );
      return rows.map(summary);
    };
  },
};
