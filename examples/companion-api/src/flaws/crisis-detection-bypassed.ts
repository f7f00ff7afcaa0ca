import { scoreRisk } from '../modules/crisis/scorer.ts';
import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'crisis-detection-bypassed',
  summary: 'Risk scoring only looks at messages typed in lower case, so "I want to End My Life" is never escalated.',
  caughtBy: 'e2e: crisis journey (escalation visible to an admin)',
  apply(seams) {
    seams.scoreRisk = (text) => (text === text.toLowerCase() ? scoreRisk(text) : { score: 0, level: 'none', signals: [] });
  },
};
