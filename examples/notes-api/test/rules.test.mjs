import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasNul, normaliseAccount, retryAfterSeconds, tokenFrom } from '../lib/rules.mjs';

describe('notes-api rules', () => {
  it('finds a NUL anywhere in a JSON value', () => {
    assert.equal(hasNul({ a: ['x', { b: 'y\u0000' }] }), true);
    assert.equal(hasNul({ a: ['x', { b: 'y' }], n: 1, t: true, z: null }), false);
  });

  it('rounds Retry-After up, never below one second', () => {
    assert.equal(retryAfterSeconds(2001), 3);
    assert.equal(retryAfterSeconds(3000), 3);
    assert.equal(retryAfterSeconds(0), 1);
  });

  it('takes the token only from a header of exactly the scheme and the token', () => {
    assert.equal(tokenFrom('Token abc', 'Token'), 'abc');
    assert.equal(tokenFrom('Bearer abc', 'Token'), undefined);
    assert.equal(tokenFrom('Token abc def', 'Token'), undefined);
    assert.equal(tokenFrom('Token ', 'Token'), undefined);
    assert.equal(tokenFrom(undefined, 'Token'), undefined);
  });

  it('folds case and whitespace of a username into one account', () => {
    assert.equal(normaliseAccount('  Ada@Example.COM '), 'ada@example.com');
  });
});
