import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'no-login-rate-limit',
  summary: 'Login attempts are not rate limited: passwords can be guessed at full speed.',
  caughtBy: 'security: rate limits (login limit+1 gets 429)',
  apply(seams) {
    seams.limitLogins = false;
  },
};
