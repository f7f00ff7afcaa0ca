import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'refresh-reuse-undetected',
  summary: 'A rotated refresh token keeps working, so a stolen one is never noticed.',
  caughtBy: 'security: authentication (refresh token reuse after rotation)',
  apply(seams) {
    seams.detectRefreshReuse = false;
  },
};
