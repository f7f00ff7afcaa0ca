import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'form-body-unvalidated',
  summary: 'POST /conversations also takes HTML forms (a parser added for a web form), but its body schema is keyed to application/json: a form is never validated, and one without a title reaches the database.',
  caughtBy: 'contract: `contract:POST /conversations:content-type` (the body without "title" is refused as JSON, and must be as a form)',
  apply(seams) {
    seams.formConversations = true;
  },
};
