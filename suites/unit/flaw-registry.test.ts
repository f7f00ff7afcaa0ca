import { describe, expect, it } from 'vitest';
import { applyFlaws, FLAWS, FlawConfigError } from '../../examples/companion-api/src/flaws/index.ts';
import { correctSeams } from '../../examples/companion-api/src/seams.ts';

describe('seeded flaw registry', () => {
  it('has at least 15 flaws with unique names, each documented in FLAWS.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../examples/companion-api/FLAWS.md', import.meta.url), 'utf8');
    expect(FLAWS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(FLAWS.map((f) => f.name)).size).toBe(FLAWS.length);
    for (const f of FLAWS) expect(doc).toContain(`\`${f.name}\``);
  });

  it('changes exactly one seam per flaw', () => {
    for (const f of FLAWS) {
      const clean = correctSeams();
      const seams = correctSeams();
      f.apply(seams);
      const changed = (Object.keys(clean) as (keyof typeof clean)[]).filter((k) => typeof clean[k] === 'function' ? clean[k].toString() !== (seams[k] as unknown as () => void).toString() : JSON.stringify(clean[k]) !== JSON.stringify(seams[k]));
      expect(changed.length, `${f.name} changed ${changed.join(', ')}`).toBeGreaterThanOrEqual(1);
      expect(changed.length, `${f.name} changed ${changed.join(', ')}`).toBeLessThanOrEqual(2);
    }
  });

  it('applies nothing when no flaw is named', () => {
    expect(applyFlaws(correctSeams(), { NODE_ENV: 'test' })).toEqual([]);
  });

  it('refuses flaws without COMPANION_ALLOW_FLAWS=1, in production, and unknown names', () => {
    expect(() => applyFlaws(correctSeams(), { NODE_ENV: 'test', COMPANION_FLAWS: 'sql-injection' })).toThrow(FlawConfigError);
    expect(() => applyFlaws(correctSeams(), { NODE_ENV: 'production', COMPANION_ALLOW_FLAWS: '1', COMPANION_FLAWS: 'sql-injection' })).toThrow(/production/);
    expect(() => applyFlaws(correctSeams(), { NODE_ENV: 'test', COMPANION_ALLOW_FLAWS: '1', COMPANION_FLAWS: 'nope' })).toThrow(/unknown flaw\(s\): nope\. Known: sql-injection/);
  });
});
