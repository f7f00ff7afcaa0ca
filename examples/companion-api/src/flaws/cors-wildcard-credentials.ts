import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'cors-wildcard-credentials',
  summary: 'CORS reflects any Origin while allowing credentials, so any site can call the API as the user.',
  caughtBy: 'security: hardening (a disallowed origin is not reflected)',
  apply(seams) {
    seams.corsAllows = (origin) => origin ?? '*';
  },
};
