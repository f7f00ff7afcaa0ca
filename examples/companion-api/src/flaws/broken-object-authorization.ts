import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'broken-object-authorization',
  summary: "A conversation is looked up by id alone, so any user can read, post to or delete another user's conversation.",
  caughtBy: "security: authorization between users (user B reads user A's conversation)",
  apply(seams) {
    seams.findOwnedConversation = async (pool, _userId, id) => {
      const { rows } = await pool.query<{ id: string; title: string; created_at: Date }>('select id, title, created_at from conversations where id = $1', [id]);
      return rows[0];
    };
  },
};
