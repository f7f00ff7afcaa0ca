import { describe, expect, it } from 'vitest';
import { decide, normaliseAccountKey, rateLimitHeaders } from '../../examples/companion-api/src/lib/rate-limit.ts';

const policy = { name: 'login', limit: 5, windowSeconds: 60 };

describe('rate-limit policy', () => {
  it.each([
    [1, true, 4],
    [4, true, 1],
    [5, true, 0],
    [6, false, 0],
    [100, false, 0],
  ])('request %i of 5 → allowed %s, remaining %i', (count, allowed, remaining) => {
    expect(decide(policy, count, 30)).toMatchObject({ allowed, remaining, limit: 5, resetSeconds: 30 });
  });

  it('never reports a reset below one second (TTL 0 or missing key)', () => {
    expect(decide(policy, 6, 0).resetSeconds).toBe(60);
    expect(decide(policy, 6, -1).resetSeconds).toBe(60);
  });

  it('rounds a partial second up, so a client that waits Retry-After is never early', () => {
    expect(decide(policy, 6, 2.001).resetSeconds).toBe(3);
    expect(decide(policy, 6, 0.2).resetSeconds).toBe(1);
  });

  it('sets Retry-After only when refused', () => {
    expect(rateLimitHeaders(decide(policy, 5, 12))).toEqual({ 'ratelimit-limit': '5', 'ratelimit-remaining': '0', 'ratelimit-reset': '12' });
    expect(rateLimitHeaders(decide(policy, 6, 12))).toMatchObject({ 'retry-after': '12' });
  });

  it('folds case and whitespace variants of an account into one key', () => {
    expect(normaliseAccountKey('  Ada@Example.COM ')).toBe('ada@example.com');
  });
});
