import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'deleted-user-token-accepted',
  summary: 'Authentication trusts the token alone, so a deleted account keeps working until its token expires.',
  caughtBy: 'security: authentication (token for a deleted user rejected)',
  apply(seams) {
    seams.requireExistingUser = false;
  },
};
