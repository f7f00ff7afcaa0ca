import { describe, expect, it } from 'vitest';
import { passwordHashIn } from './exposure.ts';

describe('passwordHashIn', () => {
  it.each([
    ['bcrypt', '{"password":"$2b$12$KIXQJ0b3T7UeG0Q2m8r5lOe8Wq2Cw1kYx0H1o5mI3Lq7oGmZ8pQ9e"}'],
    ['argon2', '{"hash":"$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"}'],
    ['scrypt', '{"pw":"scrypt:32768:8:1$abcdefghijklmnop$0123456789abcdef0123456789abcdef"}'],
    ['pbkdf2', '{"password":"pbkdf2_sha256$260000$abcdefgh12345678$Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9v="}'],
    ['pbkdf2', '{"password_hash":"pbkdf2:sha256:600000$Xc9q2W$0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978"}'],
    ['sha-crypt', '$6$rounds=5000$saltsalt$' + 'a'.repeat(86)],
    ['scrypt', '{"pw":"scrypt$0123456789abcdef0123456789abcdef$' + 'ab'.repeat(32) + '"}'],
    ['a field named for a password hash', '{"id":1,"passwordHash":"home-made:9f86d081884c7d65"}'],
    ['a field named for a password hash', '{"encrypted_password":"c2VjcmV0LWJ1dC1ub3QtYS1rbm93bi1zaGFwZQ"}'],
  ])('finds a %s hash, masked', (scheme, text) => {
    const found = passwordHashIn(text);
    expect(found?.scheme).toBe(scheme);
    expect(found?.sample).toMatch(/^.{12}…\(\d+ characters\)$/);
  });

  it('does not take prices, versions, JWTs or ordinary text for a hash', () => {
    for (const text of ['{"price":"$2.50","note":"$12 off"}', '{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"}', '{"version":"v2$1"}', 'scrypt is a key derivation function', '{"passwordHash":""}', '{"password_hash":null}']) expect(passwordHashIn(text), text).toBeUndefined();
  });
});
