import { describe, expect, it } from 'vitest';
import { levelFor, scoreRisk } from '../../examples/companion-api/src/modules/crisis/scorer.ts';

describe('crisis scorer', () => {
  it('scores explicit suicidal intent as high', () => {
    const r = scoreRisk('I want to kill myself');
    expect(r.level).toBe('high');
    expect(r.signals).toContain('suicidal-intent');
  });

  it('boosts a stated plan', () => {
    expect(scoreRisk('I feel hopeless and I have pills saved for tonight').score).toBeGreaterThan(scoreRisk('I feel hopeless').score);
  });

  it('damps negated statements', () => {
    const r = scoreRisk('I would never hurt myself, I just had a long day');
    expect(r.level).not.toBe('high');
    expect(r.signals).toContain('self-harm(negated)');
  });

  it('leaves ordinary messages at none', () => {
    expect(scoreRisk('Work was stressful but the walk helped').level).toBe('none');
  });

  it('is case- and whitespace-insensitive', () => {
    expect(scoreRisk('I   WANT TO   DIE').level).toBe('high');
  });

  it.each([
    [0, 'none'],
    [0.01, 'low'],
    [0.29, 'low'],
    [0.3, 'medium'],
    [0.59, 'medium'],
    [0.6, 'high'],
    [1, 'high'],
  ] as const)('level boundary %s → %s', (score, level) => {
    expect(levelFor(score)).toBe(level);
  });
});
