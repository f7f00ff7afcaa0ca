import { describe, expect, it } from 'vitest';
import { scoreRisk } from '../examples/companion-api/src/modules/crisis/scorer.ts';
import { createFactories } from './index.ts';

describe('factories', () => {
  it('build the same data for the same seed, and other data for another seed', () => {
    const a = createFactories(7).users.many(3);
    expect(createFactories(7).users.many(3)).toEqual(a);
    expect(createFactories(8).users.many(3)).not.toEqual(a);
    expect(new Set(a.map((u) => u.email)).size).toBe(3);
  });

  it('build users the example target accepts (password policy) with traits', () => {
    const f = createFactories(1);
    for (const u of f.users.many(20)) {
      expect(u.password.length).toBeGreaterThanOrEqual(10);
      expect(u.password).toMatch(/[A-Za-z]/);
      expect(u.password).toMatch(/\d/);
      expect(u.email).toMatch(/^user\.[a-z0-9.]+@example\.test$/);
    }
    expect(f.users.admin().email).toMatch(/^admin\./);
  });

  it('messages.crisis() is high risk and messages.build() is not, by the target scorer', () => {
    const f = createFactories(3);
    for (let i = 0; i < 10; i++) {
      expect(scoreRisk(f.messages.crisis().content).level).toBe('high');
      expect(scoreRisk(f.messages.build().content).level).not.toBe('high');
    }
  });

  it('audio clips carry their transcript as a first line, seeded; crisis clips score high by the target scorer', () => {
    const a = createFactories(5).audio.clip();
    expect(createFactories(5).audio.clip()).toEqual(a);
    expect(a).toMatchObject({ contentType: 'audio/webm', filename: expect.stringMatching(/^clip-5-\d+\.webm$/) });
    expect(a.content.toString('latin1').split('\n')[0]).toBe(`TRANSCRIPT: ${a.transcript}`);
    expect(a.content.length).toBeGreaterThan(2_000);
    expect(scoreRisk(createFactories(5).audio.crisis().transcript).level).toBe('high');
  });
});
