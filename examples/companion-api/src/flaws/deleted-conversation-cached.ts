import type { Flaw } from './_flaw.ts';
import { correctSeams } from '../seams.ts';

export const flaw: Flaw = {
  name: 'deleted-conversation-cached',
  summary: 'Conversations are cached in memory on first read and the delete forgets to evict them: a deleted conversation is still served.',
  caughtBy: 'contract: `contract:DELETE /conversations/{id}:deleted` (after the 204, its GET must answer 404)',
  apply(seams) {
    const find = correctSeams().findOwnedConversation;
    const cache = new Map<string, Awaited<ReturnType<typeof find>>>();
    seams.findOwnedConversation = async (pool, userId, id) => {
      const key = `${userId}:${id}`;
      if (cache.has(key)) return cache.get(key);
      const row = await find(pool, userId, id);
      if (row) cache.set(key, row);
      return row;
    };
  },
};
