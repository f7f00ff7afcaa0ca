import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'null-task-count-500',
  summary: 'The document allows options.taskCount of a new goal to be null ("no preference"), but the handler calls a method on it: {"options": {"taskCount": null}} is a 500.',
  caughtBy: 'contract: contract:POST /goals:boundaries (null in every body field at any depth, where the document allows it too)',
  apply(seams) {
    seams.taskCountOf = (options) => (options ? Number((options.taskCount as number).toFixed(0)) : 10);
  },
};
