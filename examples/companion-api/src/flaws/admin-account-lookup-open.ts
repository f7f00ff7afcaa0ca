import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'admin-account-lookup-open',
  summary: 'GET /admin/accounts/{id} forgets the admin role check that its list has: any user reads any account by id.',
  caughtBy: 'security: `security:authz:admin:GET /admin/accounts/{id}` (sent with an id the admin-only list shows, never a made-up one)',
  apply(seams) {
    seams.adminOnlyAccountLookup = false;
  },
};
