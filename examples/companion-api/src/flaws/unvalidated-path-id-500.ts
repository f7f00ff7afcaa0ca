import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'unvalidated-path-id-500',
  summary: 'GET /conversations/{id} takes any string as the id and hands it to a uuid column: a malformed id is a 500 (invalid input syntax for type uuid), not a 400 or 404.',
  caughtBy: 'contract: contract:GET /conversations/{id}:boundaries (hostile path values: long, control characters)',
  apply(seams) {
    seams.validateConversationId = false;
  },
};
