import { describe, expect, it } from 'vitest';
import { tokenPathIn } from './observe-target.ts';

describe('tokenPathIn', () => {
  it('finds a JWT-shaped string anywhere before a field merely named like a token', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVz';
    expect(tokenPathIn({ key: 'a'.repeat(20), data: { session: { access: jwt } } })).toBe('data.session.access');
    expect(tokenPathIn({ token: 'f'.repeat(32) })).toBe('token');
    expect(tokenPathIn({ user: { email: 'a@b.c', token: 'abcdefabcdefabcdef' } })).toBe('user.token');
  });

  it('never takes a refresh token, a short value or a non-token field', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVz';
    expect(tokenPathIn({ refresh_token: jwt })).toBeUndefined();
    expect(tokenPathIn({ token: 'short' })).toBeUndefined();
    expect(tokenPathIn({ message: 'logged in successfully, welcome' })).toBeUndefined();
    expect(tokenPathIn(null)).toBeUndefined();
  });
});
