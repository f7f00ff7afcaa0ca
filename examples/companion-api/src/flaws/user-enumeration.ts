import { HttpProblem } from '../lib/problem.ts';
import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'user-enumeration',
  summary: 'Login says whether the account exists ("no such user" vs "wrong password").',
  caughtBy: 'security: hardening (uniform login errors)',
  apply(seams) {
    seams.loginFailure = (exists) => (exists ? new HttpProblem(401, 'Unauthorized', 'wrong password') : new HttpProblem(404, 'Not Found', 'no user with this email'));
  },
};
