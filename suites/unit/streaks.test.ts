import { describe, expect, it } from 'vitest';
import { streaks } from '../../examples/companion-api/src/modules/goals/streaks.ts';

describe('streaks', () => {
  it('counts nothing without activity', () => {
    expect(streaks([], '2026-11-22')).toEqual({ current: 0, longest: 0 });
  });

  it('counts a run ending today or yesterday as current', () => {
    expect(streaks(['2026-11-20', '2026-11-21', '2026-11-22'], '2026-11-22')).toEqual({ current: 3, longest: 3 });
    expect(streaks(['2026-11-20', '2026-11-21'], '2026-11-22')).toEqual({ current: 2, longest: 2 });
  });

  it('breaks the current streak after a missed day, keeps the longest', () => {
    expect(streaks(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-20'], '2026-11-22')).toEqual({ current: 0, longest: 3 });
  });

  it('ignores duplicates and order, and crosses month ends', () => {
    expect(streaks(['2026-12-01', '2026-11-30', '2026-11-30'], '2026-12-01')).toEqual({ current: 2, longest: 2 });
  });
});
