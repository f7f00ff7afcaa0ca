import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'malformed-input-500',
  summary: 'A hand-rolled JSON body parser lets the SyntaxError escape, so malformed JSON gets a 500.',
  caughtBy: 'contract: negative checks (malformed JSON answered 4xx, never 5xx)',
  apply(seams) {
    seams.safeJsonParser = false;
  },
};
