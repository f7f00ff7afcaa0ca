import { afterEach, describe, expect, it } from 'vitest';
import { registerIssued } from './issued.ts';
import { clearSecrets, redactText, registerSecret } from './secrets.ts';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const signed = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: '42', exp: 2_000_000_000 })}.c2lnbmF0dXJlLW9mLXRoZS10YXJnZXQ`;
const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: '42', exp: 2_000_000_000 })}.`;

afterEach(() => clearSecrets());

describe('credentials the target issues', () => {
  it('are masked wherever they appear: a JWT in any text, a credential-named field at any depth, a session cookie', () => {
    const json = { data: { user: { name: 'Ada' }, auth: { accessToken: 'a'.repeat(24), refresh_token: 'r-0123456789abcdef', access: 'read-only' } }, api_key: 'ak_0123456789abcdef' };
    registerIssued('GET', 'http://127.0.0.1:1/user', 'GET http://127.0.0.1:1/user', `{"note":"${signed}"} ${JSON.stringify(json)}`, json, ['sessionid=s3ss10n-0123456789; Path=/', 'theme=dark-mode-please; Path=/']);
    const report = redactText(`${signed} ${'a'.repeat(24)} r-0123456789abcdef ak_0123456789abcdef s3ss10n-0123456789 read-only dark-mode-please`);
    expect(report).toBe(
      '«a credential the target issued (a JWT of the answer to GET /user): send that request to get one» «a credential the target issued ("accessToken" of the answer to GET /user): send that request to get one» «a credential the target issued ("refresh_token" of the answer to GET /user): send that request to get one» «a credential the target issued ("api_key" of the answer to GET /user): send that request to get one» «a credential the target issued (the cookie sessionid of the answer to GET /user): send that request to get one» read-only dark-mode-please',
    );
  });

  it('leave the attack as it was: an unsigned JWT, and a token the request itself carried (a forged one echoed back)', () => {
    registerIssued('GET', 'http://127.0.0.1:1/me', `authorization: Bearer ${signed}`, `{"error":"bad token ${signed}","token":"${unsigned}"}`, { token: unsigned }, []);
    expect(redactText(`${signed} ${unsigned}`)).toBe(`${signed} ${unsigned}`);
  });

  it("give way to the auth flow's own placeholder, which says more", () => {
    registerIssued('POST', 'http://127.0.0.1:1/login', '{}', '', { token: 't'.repeat(20) }, []);
    registerSecret('t'.repeat(20), '«an access token: log in as the test user»');
    expect(redactText('t'.repeat(20))).toBe('«an access token: log in as the test user»');
  });
});
