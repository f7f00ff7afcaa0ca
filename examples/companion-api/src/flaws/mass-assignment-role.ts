import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'mass-assignment-role',
  summary: 'Registration copies the body into the user, so `"role": "admin"` makes an admin.',
  caughtBy: 'security: mass assignment (privileged fields in create bodies are ignored)',
  apply(seams) {
    seams.allowRoleInRegistration = true;
    seams.registrationRole = (body) => (body.role === 'admin' ? 'admin' : 'user');
  },
};
