import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'message-index-dropped',
  summary: 'A later migration dropped the index on messages (conversation_id, created_at): opening a conversation scans every message, which is fast with the few hundred rows a test creates and slow with a million.',
  caughtBy: 'load --volume: load:scaling:get-conversation (p95 and the messages statement grow with the rows) and load:plan:messages(conversation_id) (a sequential scan on messages in its plan)',
  apply(seams) {
    // What the migration did, run at start (the service's own migrations stay as they are).
    seams.schemaChanges = ['drop index if exists messages_conversation'];
  },
};
