import { appendFileSync } from 'node:fs';
import { leakedInternals } from '../openapi/validate.ts';
import { readJsonLines } from '../results/json-lines.ts';
import type { CheckResult } from '../results/types.ts';

/** A response of a journey or fault scenario that exposed internals. */
export interface Finding {
  /** The request, "METHOD /path". */
  what: string;
  status: number;
  leaks: string[];
  excerpt: string;
}

/** The env var the e2e stage sets to the file its journeys append findings to. */
export const FINDINGS_ENV = 'GAUNTLET_E2E_FINDINGS';

/**
 * Every response the step library receives is scanned as it arrives, whatever the step asserts
 * (a fault scenario checks for a 503, not for what the 503 says): a stack trace, database error
 * text, a driver message or an internal address is a finding. Appended to $GAUNTLET_E2E_FINDINGS as
 * measurements are, because the journeys run in vitest workers.
 */
export function scanResponse(what: string, status: number, text: string): void {
  const leaks = leakedInternals(text).filter((leak) => status >= 400 || leak !== 'an internal address (host:port)');
  if (leaks.length === 0) return;
  const file = process.env[FINDINGS_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ what, status, leaks, excerpt: text.slice(0, 400) } satisfies Finding)}\n`);
}

export function readFindings(file: string): Promise<Finding[]> {
  return readJsonLines<Finding>(file);
}

/** One failed check per distinct request and leak, with the first response that showed it. */
export function findingChecks(findings: Finding[]): CheckResult[] {
  const seen = new Map<string, { finding: Finding; count: number }>();
  for (const finding of findings) {
    for (const leak of finding.leaks) {
      const key = `${finding.what}\u0000${leak}`;
      const entry = seen.get(key);
      if (entry) entry.count += 1;
      else seen.set(key, { finding, count: 1 });
    }
  }
  return [...seen.entries()].map(([key, { finding, count }]) => {
    const leak = key.split('\u0000')[1] as string;
    return {
      id: `e2e:leak:${finding.what}:${leak}`,
      stage: 'e2e',
      title: `${finding.what}: no response exposes ${leak}`,
      status: 'failed' as const,
      message: `${finding.what} answered ${finding.status} with ${leak} in its body (${count} time${count === 1 ? '' : 's'} during the journeys):\n${finding.excerpt}`,
      evidence: { status: finding.status, body: finding.excerpt, count },
    };
  });
}
