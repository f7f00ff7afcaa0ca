import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'security-headers-missing',
  summary: 'No security headers (CSP, HSTS, nosniff, frame options): the helmet plugin was dropped.',
  caughtBy: 'security: hardening (security headers)',
  apply(seams) {
    seams.securityHeaders = false;
  },
};
