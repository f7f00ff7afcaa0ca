import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../results/types.ts';
import { fingerprintOf, signatureOf } from './fingerprint.ts';

const check = (id: string, message: string): CheckResult => ({ id, stage: 'contract', title: 't', status: 'failed', message });

describe('fingerprints', () => {
  it('are the same for the same cause whatever the port, ids, data and distinct-failure number', () => {
    const a = check('contract:POST /shops/:boundaries', `answered 500: a server error, for body.name = 256 characters\nreproduce: curl -i -X POST 'http://127.0.0.1:41234/shops/'`);
    const b = check('contract:POST /shops/:boundaries:2', `answered 500: a server error, for body.name = 256 characters\nreproduce: curl -i -X POST 'http://127.0.0.1:39999/shops/'`);
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
    expect(signatureOf(check('security:auth:unique-identity', 'the email "gauntlet.unique.16375d407@example.com" in upper case ("GAUNTLET.UNIQUE.16375D407@EXAMPLE.COM") signed up a second account (201)'))).toBe('the email "" in upper case ("") signed up a second account (N)');
    expect(signatureOf(check('x', "user B's DELETE /api/recipes/soup-33467b answered 204 for 7c9e6679-7425-40de-944b-e07fc1f90ae7 at http://127.0.0.1:1/x «a token»"))).toBe("user B's DELETE /api/recipes/ID answered N for ID at URL «»");
  });

  it("keep apostrophes: user B's … user A's is text, not a quoted value", () => {
    expect(signatureOf(check('x', "user B's PUT answered 200 and changed user A's resource ('title')"))).toBe("user B's PUT answered N and changed user A's resource ('')");
  });

  it('differ for another cause of the same check', () => {
    expect(fingerprintOf(check('contract:GET /x:fuzz', 'answered 500: a server error'))).not.toBe(fingerprintOf(check('contract:GET /x:fuzz', 'status 400 is not documented for GET /x')));
  });
});
