import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'password-change-keeps-sessions',
  summary: 'A password change stores the new hash but leaves every token issued before it working: a stolen session outlives the change meant to end it.',
  caughtBy: 'security: security:auth:password-change-revokes',
  apply(seams) {
    seams.endSessionsOnPasswordChange = false;
  },
};
