import type { Flaw } from './_flaw.ts';
import { correctSeams } from '../seams.ts';

export const flaw: Flaw = {
  name: 'search-term-ignored',
  summary: 'The conversation search drops its term on the way to the query: GET /conversations?q=… answers every conversation of the user.',
  caughtBy: 'contract: `contract:GET /conversations:filter:q` (a word of one title, absent from another, must narrow the list)',
  apply(seams) {
    const list = correctSeams().listConversations;
    seams.listConversations = (pool, userId) => list(pool, userId, undefined);
  },
};
