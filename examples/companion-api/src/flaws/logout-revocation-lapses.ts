import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'logout-revocation-lapses',
  summary: 'Logout puts the token on the denylist for one second only: a stolen token works again a moment later.',
  caughtBy: "security: `security:auth:logout-revokes` (the token is tried again a few seconds after logout)",
  apply(seams) {
    seams.denylistSeconds = () => 1;
  },
};
