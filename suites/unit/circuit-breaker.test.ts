import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../examples/companion-api/src/upstream/circuit-breaker.ts';

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and opens at it', () => {
    let now = 0;
    const b = new CircuitBreaker(3, 1_000, () => now);
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    expect(b.canPass()).toBe(false);
    now = 400;
    expect(b.retryAfterSeconds).toBe(1);
  });

  it('lets exactly one trial through when half-open; success closes, failure reopens', () => {
    let now = 0;
    const b = new CircuitBreaker(1, 1_000, () => now);
    b.failure();
    now = 999;
    expect(b.state).toBe('open');
    now = 1_000;
    expect(b.state).toBe('half-open');
    expect(b.canPass()).toBe(true);
    expect(b.canPass()).toBe(false);
    b.failure();
    expect(b.state).toBe('open');
    now = 2_000;
    expect(b.canPass()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
  });

  it('resets the failure count on success', () => {
    const b = new CircuitBreaker(2, 1_000, () => 0);
    b.failure();
    b.success();
    b.failure();
    expect(b.state).toBe('closed');
  });
});
