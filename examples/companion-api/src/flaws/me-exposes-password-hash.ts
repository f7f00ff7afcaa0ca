import type { Flaw } from './_flaw.ts';
import { toUser } from '../modules/auth/schemas.ts';

export const flaw: Flaw = {
  name: 'me-exposes-password-hash',
  summary: "GET /me is sent pre-serialized from the whole row, past the response schema: the answer carries the user's password hash.",
  caughtBy: 'contract: `contract:GET /me:exposure` (a password hash in a 2xx answer, masked in the report)',
  apply(seams) {
    seams.meBody = (row) => JSON.stringify({ ...toUser(row), passwordHash: row.password_hash });
  },
};
