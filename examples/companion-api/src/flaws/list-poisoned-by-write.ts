import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'list-poisoned-by-write',
  summary: 'The goal list reads titles through a Latin-1 conversion (a legacy export): creating one goal whose title has a character outside Latin-1 makes every later GET /goals of that user answer 500.',
  caughtBy: 'contract: contract:GET /goals:state-poisoning (the write that broke the list named, both requests in order)',
  apply(seams) {
    seams.goalListTitle = "convert_from(convert_to(title, 'LATIN1'), 'LATIN1')";
  },
};
