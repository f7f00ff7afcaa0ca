import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'delete-without-deleting',
  summary: "Deleting someone else's conversation answers 204 (and deletes nothing), so a client is told it worked.",
  caughtBy: "security: `security:authz:object:DELETE /conversations/{id}` (the owner's re-read shows nothing was deleted: a wrong status)",
  apply(seams) {
    seams.deleteOfOthersStatus = 204;
  },
};
