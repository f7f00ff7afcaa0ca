import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'weak-password-accepted',
  summary: 'The password policy checks the length only: "1234567890" is accepted although the document promises a letter and a digit.',
  caughtBy: 'security: security:auth:weak-password',
  apply(seams) {
    seams.passwordProblems = (password) => (password.length < 10 ? ['must be at least 10 characters'] : []);
  },
};
