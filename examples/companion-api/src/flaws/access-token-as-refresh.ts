import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'access-token-as-refresh',
  summary: '/auth/refresh also accepts an access token, so a leaked short-lived token becomes a permanent session.',
  caughtBy: 'security: authentication (access token not accepted as refresh token)',
  apply(seams) {
    seams.acceptAccessAsRefresh = true;
  },
};
