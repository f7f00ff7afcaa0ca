import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'spoofable-rate-limit-key',
  summary: 'Rate limits key on the X-Forwarded-For header from any client, so a new header value resets the limit.',
  caughtBy: 'security: rate limits (cannot be bypassed by spoofing X-Forwarded-For)',
  apply(seams) {
    seams.clientIp = (request) => {
      const forwarded = request.headers['x-forwarded-for'];
      return (typeof forwarded === 'string' && forwarded.split(',')[0]?.trim()) || request.ip;
    };
  },
};
