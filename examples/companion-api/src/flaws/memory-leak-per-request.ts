import type { FastifyRequest } from 'fastify';
import type { Flaw } from './_flaw.ts';

/** 1 MiB a request: a leak that a 15-second smoke run shows plainly. */
const RETAINED_BYTES = 1024 * 1024;

export const flaw: Flaw = {
  name: 'memory-leak-per-request',
  summary: 'Every request is kept in an in-memory debug log that is never trimmed, so memory grows with traffic until the process is killed.',
  caughtBy: 'load: load:server:memory-growth (resident memory over the steady phase)',
  apply(seams) {
    const debugLog: { id: string; url: string; payload: Buffer }[] = [];
    seams.retainRequest = (request: FastifyRequest) => {
      // Filled, not zeroed: zeroed pages would not count as resident until written.
      debugLog.push({ id: request.id, url: request.url, payload: Buffer.alloc(RETAINED_BYTES, request.id) });
    };
  },
};
