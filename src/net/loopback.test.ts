import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, mayTarget } from './loopback.ts';

describe('loopback guard', () => {
  it.each([
    ['http://127.0.0.1:3000', true],
    ['http://127.10.0.5', true],
    ['http://localhost:8080/x', true],
    ['http://[::1]:3000', true],
    ['http://10.0.0.5', false],
    ['https://api.example.com', false],
    ['http://127.0.0.1.nip.io', false],
  ])('%s is loopback: %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });

  it('lets an allowlisted host through, and only that one', () => {
    expect(mayTarget('https://staging.internal:8443', ['staging.internal'])).toBe(true);
    expect(mayTarget('https://prod.internal', ['staging.internal'])).toBe(false);
  });
});
