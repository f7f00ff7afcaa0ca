import { jwtVerify } from 'jose';
import { claimsFrom } from '../seams.ts';
import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'jwt-expiry-not-enforced',
  summary: 'Access tokens are checked for their signature but never for expiry.',
  caughtBy: 'security: authentication (expired access token rejected)',
  apply(seams) {
    seams.verifyAccess = async (key, token) => {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], clockTolerance: 10 * 365 * 24 * 3600 });
      return claimsFrom(payload);
    };
  },
};
