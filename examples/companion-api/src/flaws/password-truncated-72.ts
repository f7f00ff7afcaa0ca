import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'password-truncated-72',
  summary: "Passwords are hashed as their first 72 bytes, as bcrypt does: any text after those 72 bytes logs in too.",
  caughtBy: 'security: security:auth:password-truncation',
  apply(seams) {
    seams.passwordKey = (password) => Buffer.from(password, 'utf8').subarray(0, 72).toString('utf8');
  },
};
