import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { GauntletError } from '../errors/gauntlet-error.ts';
import type { CheckResult, StageResult } from '../results/types.ts';
import { fingerprintOf, idOf } from './fingerprint.ts';

/**
 * The findings a team has accepted (issue #27, item 6), as `gauntlet baseline` wrote them: each by
 * its fingerprint (fingerprint.ts), with what it was and why it is accepted. A run then fails only on
 * new findings; a known one is shown as known, and one that no longer fails as fixed. Like CodeQL's
 * and Semgrep's baselines and ZAP's rules file, it is a file to commit and review: edit a `reason`
 * to say why a finding is accepted.
 */
export interface BaselineEntry {
  fingerprint: string;
  stage: string;
  id: string;
  title: string;
  severity?: string;
  /** Why the finding is accepted: written as "accepted when the baseline was taken", for the team to replace. */
  reason: string;
}

export interface Baseline {
  schemaVersion: 1;
  createdAt: string;
  findings: BaselineEntry[];
}

/** What a run did with the baseline: how many failures it knew, which entries no longer fail. */
export interface BaselineOutcome {
  file: string;
  known: number;
  new: number;
  fixed: { fingerprint: string; id: string; title: string }[];
  /** This run wrote the file (`gauntlet baseline`, `--update-baseline`): `known` is what it holds. */
  written?: boolean;
}

export const BASELINE_FILE = 'gauntlet.baseline.json';

const schema = z.strictObject({
  schemaVersion: z.literal(1),
  createdAt: z.string(),
  findings: z.array(z.strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{16}$/), stage: z.string(), id: z.string(), title: z.string(), severity: z.string().optional(), reason: z.string().min(1) })),
});

export async function readBaseline(file: string): Promise<Baseline | undefined> {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new GauntletError('GAUNTLET_BASELINE_INVALID', `${file} is not JSON: ${(error as Error).message}.`, { fix: 'Fix the file, or write it again with `gauntlet baseline`.' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GauntletError('GAUNTLET_BASELINE_INVALID', `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}.`, { fix: 'Fix the file, or write it again with `gauntlet baseline`.' });
  }
  return parsed.data;
}

/** Marks each failed check the baseline knows (`known`: it fails no gate), and says what was fixed. */
export function applyBaseline(stages: StageResult[], baseline: Baseline, file: string): BaselineOutcome {
  const accepted = new Map(baseline.findings.map((f) => [f.fingerprint, f]));
  const seen = new Set<string>();
  let known = 0;
  let fresh = 0;
  for (const stage of stages) {
    stage.checks = stage.checks.map((check) => {
      if (check.status !== 'failed') return check;
      const fingerprint = fingerprintOf(check);
      const entry = accepted.get(fingerprint);
      if (!entry) {
        if (check.replay?.outcome !== 'flaky') fresh += 1; // shown apart: it did not come back
        return { ...check, fingerprint };
      }
      seen.add(fingerprint);
      known += 1;
      return { ...check, fingerprint, known: { reason: entry.reason } };
    });
  }
  // A finding that stays down a stage that ran is fixed; one of a stage that did not run is unknown.
  const ran = new Set(stages.filter((s) => s.status === 'passed' || s.status === 'failed').map((s) => s.name));
  const fixed = baseline.findings.filter((f) => !seen.has(f.fingerprint) && ran.has(f.stage)).map(({ fingerprint, id, title }) => ({ fingerprint, id, title }));
  return { file, known, new: fresh, fixed };
}

/** The baseline of a run's failures; reasons already given for a fingerprint are kept. */
export function baselineOf(stages: StageResult[], previous: Baseline | undefined, now = new Date()): Baseline {
  const reasons = new Map(previous?.findings.map((f) => [f.fingerprint, f.reason]) ?? []);
  const findings = new Map<string, BaselineEntry>();
  for (const check of stages.flatMap((s) => s.checks).filter((c): c is CheckResult => c.status === 'failed' && c.stage !== 'gauntlet')) {
    const fingerprint = fingerprintOf(check);
    if (findings.has(fingerprint)) continue;
    findings.set(fingerprint, { fingerprint, stage: check.stage, id: idOf(check), title: check.title, ...(check.severity ? { severity: check.severity } : {}), reason: reasons.get(fingerprint) ?? `accepted when the baseline was taken (${now.toISOString().slice(0, 10)}): say why here` });
  }
  return { schemaVersion: 1, createdAt: now.toISOString(), findings: [...findings.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  await writeFile(file, `${JSON.stringify(baseline, null, 2)}\n`);
}

/** The baseline file of a config: `--baseline FILE`, else gauntlet.baseline.json beside the config. */
export function baselineFile(rootDir: string, given: string | undefined): string {
  return given ? path.resolve(given) : path.join(rootDir, BASELINE_FILE);
}
