import { describe, expect, it } from 'vitest';
import type { Session } from '../../http/session.ts';
import { aimedAtAnother, identityOf, refusesSelf } from './_another-user.ts';

const user = (email: string, id: number): Session => ({
  headers: {},
  token: 't',
  refreshToken: undefined,
  credentials: { email, password: 'secret-pw', name: 'Gauntlet user', username: email.split('@')[0] as string },
  exchanges: [{ request: { method: 'POST', url: 'http://127.0.0.1/login', headers: {} }, response: { status: 200, headers: new Headers(), text: '', json: { token: 't', user: { id, handle: `h${id}` } }, contentType: 'application/json', ms: 1 } }],
});

describe('an action refused on the user\'s own resource', () => {
  it('recognises the refusal in the words APIs use, and nothing else', () => {
    for (const text of ['{"detail":"you cannot follow yourself"}', 'You can\'t like your own post… no: "cannot like yourself"', '{"error":"self-follow is not allowed"}', 'recipient is the same user', 'Users cannot message themselves']) expect(refusesSelf(text), text).toBe(true);
    for (const text of ['{"detail":"Not found."}', '{"name":["This field is required."]}', 'selfie upload failed', 'itself']) expect(refusesSelf(text), text).toBe(false);
  });

  it('aims the same request at another user: path segments and body fields holding the user\'s own values, never the password', () => {
    const own = identityOf(user('ann@example.com', 7));
    const other = identityOf(user('bob@example.com', 9));
    expect(own.get('password')).toBeUndefined();
    expect(own.get('handle')).toBe('h7');
    const aimed = aimedAtAnother({ method: 'POST', url: 'http://127.0.0.1/members/ann%40example.com/follow/?x=1', headers: {}, body: { json: { followee: { id: 7, handle: 'h7' }, note: 'ann' } } }, own, other);
    expect(aimed?.url).toBe('http://127.0.0.1/members/bob%40example.com/follow/?x=1');
    expect(aimed?.body).toEqual({ json: { followee: { id: 9, handle: 'h9' }, note: 'bob' } });
    // Nothing of the user's own in it: nothing to aim elsewhere.
    expect(aimedAtAnother({ method: 'POST', url: 'http://127.0.0.1/members/carol/follow/', headers: {} }, own, other)).toBeUndefined();
  });
});
