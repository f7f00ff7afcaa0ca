/**
 * A pure, explainable risk scorer for user messages. Weighted phrase patterns, damped by negation
 * ("I would never hurt myself") and boosted by plan/means/time signals. Score in [0, 1].
 * It is a screen, not a diagnosis: high scores escalate to a human.
 */
export type RiskLevel = 'none' | 'low' | 'medium' | 'high';

export interface RiskAssessment {
  score: number;
  level: RiskLevel;
  signals: string[];
}

const PATTERNS: { signal: string; weight: number; re: RegExp }[] = [
  { signal: 'suicidal-intent', weight: 0.85, re: /\b(kill(ing)? myself|end(ing)? my life|take my (own )?life|commit suicide|suicid(e|al))\b/ },
  { signal: 'self-harm', weight: 0.7, re: /\b(hurt(ing)? myself|harm(ing)? myself|cut(ting)? myself|self[- ]harm)\b/ },
  { signal: 'wish-to-die', weight: 0.6, re: /\b(want(ed)? to die|wish i (was|were) dead|better off (dead|without me)|no reason to live)\b/ },
  { signal: 'hopelessness', weight: 0.3, re: /\b(hopeless|can'?t go on|no way out|give up on (everything|life)|nothing matters)\b/ },
  { signal: 'isolation', weight: 0.15, re: /\b(all alone|nobody cares|no one cares)\b/ },
];
const BOOSTERS: { signal: string; weight: number; re: RegExp }[] = [
  { signal: 'plan', weight: 0.15, re: /\b(plan|tonight|pills|overdose|bridge|rope|gun)\b/ },
  { signal: 'farewell', weight: 0.1, re: /\b(goodbye forever|last message|say goodbye)\b/ },
];
const NEGATION = /\b(never|not|don'?t|wouldn'?t|won'?t|no longer)\b(\W+\w+){0,3}\W*$/;

export function scoreRisk(text: string): RiskAssessment {
  const normalised = text.toLowerCase().replace(/[’]/g, "'").replace(/\s+/g, ' ');
  const signals: string[] = [];
  let score = 0;
  for (const p of PATTERNS) {
    const match = p.re.exec(normalised);
    if (!match) continue;
    const before = normalised.slice(Math.max(0, match.index - 30), match.index);
    const negated = NEGATION.test(before);
    signals.push(negated ? `${p.signal}(negated)` : p.signal);
    score = Math.max(score, negated ? p.weight * 0.2 : p.weight);
  }
  if (score >= 0.3) {
    for (const b of BOOSTERS) {
      if (b.re.test(normalised)) {
        signals.push(b.signal);
        score += b.weight;
      }
    }
  }
  score = Math.min(1, Math.round(score * 100) / 100);
  return { score, level: levelFor(score), signals };
}

export function levelFor(score: number): RiskLevel {
  if (score >= 0.6) return 'high';
  if (score >= 0.3) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

export const CRISIS_RESOURCES = [
  { name: '988 Suicide & Crisis Lifeline (US)', contact: 'call or text 988' },
  { name: 'Samaritans (UK & Ireland)', contact: 'call 116 123' },
  { name: 'International Association for Suicide Prevention', contact: 'https://www.iasp.info/resources/Crisis_Centres/' },
] as const;
