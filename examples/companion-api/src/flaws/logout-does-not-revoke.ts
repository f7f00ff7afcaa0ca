import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'logout-does-not-revoke',
  summary: 'Logout answers 204 but the access token stays valid until it expires.',
  caughtBy: 'security: authentication (logout actually revokes)',
  apply(seams) {
    seams.revokeOnLogout = false;
  },
};
