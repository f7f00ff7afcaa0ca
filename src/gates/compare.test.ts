import { describe, expect, it } from 'vitest';
import { compare, gate } from './compare.ts';

describe('compare (boundaries)', () => {
  it.each([
    [80, '>=', 80, true],
    [79.99, '>=', 80, false],
    [80.01, '>=', 80, true],
    [0, '>=', 0, true],
    [0, '<=', 0, true],
    [1, '<=', 0, false],
    [200, '<=', 200, true],
    [200.001, '<=', 200, false],
    [3, '==', 3, true],
    [3.0001, '==', 3, false],
  ] as const)('%s %s %s → %s', (actual, comparator, threshold, expected) => {
    expect(compare(actual, comparator, threshold)).toBe(expected);
  });

  it('fails what was not measured', () => {
    expect(compare(null, '>=', 0)).toBe(false);
    expect(compare(Number.NaN, '<=', 100)).toBe(false);
  });

  it('builds a gate result', () => {
    expect(gate('x', 1, '<=', 0, 'why')).toEqual({ name: 'x', comparator: '<=', threshold: 0, actual: 1, passed: false, message: 'why' });
  });
});
