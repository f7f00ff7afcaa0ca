import { decodeJwt, decodeProtectedHeader } from 'jose';
import { correctSeams, claimsFrom } from '../seams.ts';
import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'jwt-alg-none',
  summary: 'A token whose header says `alg: none` is trusted without a signature.',
  caughtBy: 'security: authentication (alg none rejected)',
  apply(seams) {
    const verify = correctSeams().verifyAccess;
    seams.verifyAccess = async (key, token, now) => {
      if (decodeProtectedHeader(token).alg === 'none') return claimsFrom(decodeJwt(token));
      return verify(key, token, now);
    };
  },
};
