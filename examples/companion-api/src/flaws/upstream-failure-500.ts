import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'upstream-failure-500',
  summary: 'When the LLM upstream fails the error escapes and the user gets a raw 500.',
  caughtBy: 'e2e: fault injection (upstream 500s degrade, never 500); contract: no 5xx anywhere',
  apply(seams) {
    seams.degradeOnUpstreamFailure = false;
  },
};
