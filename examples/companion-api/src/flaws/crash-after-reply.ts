import type { FastifyRequest } from 'fastify';
import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'crash-after-reply',
  summary: 'Reading progress starts a background recalculation that is never awaited; it throws after the 200 has gone out, and the unhandled error takes the whole process down.',
  caughtBy: 'every stage: <stage>:target-crashed:<n> (the process exit is observed, the requests before it named, the target restarted)',
  apply(seams) {
    seams.retainRequest = (request: FastifyRequest) => {
      if (request.method !== 'GET' || request.url.split('?')[0] !== '/progress') return;
      // The reply takes a few milliseconds; the failing task runs well after it.
      setTimeout(() => {
        throw new Error('streak recalculation failed: cannot read properties of undefined (reading "days")');
      }, 150);
    };
  },
};
