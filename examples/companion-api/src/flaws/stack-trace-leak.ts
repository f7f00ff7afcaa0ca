import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'stack-trace-leak',
  summary: 'Error bodies carry the stack trace (a "debug" setting left on).',
  caughtBy: 'contract: negative checks (no internals in error bodies); security: hardening (no stack traces)',
  apply(seams) {
    seams.errorExtras = (error) => ({ stack: error.stack });
  },
};
