export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** One check: the unit of evidence every stage produces. */
export interface CheckResult {
  id: string;
  stage: string;
  title: string;
  status: CheckStatus;
  message?: string;
  durationMs?: number;
  evidence?: Record<string, unknown>;
  /** For a failed check: a bug (5xx, crash, auth bypass, broken authorization, leak, lost data, a failing test) or a deviation from the document (undocumented status or content type, another body shape). */
  severity?: Severity;
  /** Its fingerprint (baseline/fingerprint.ts), on a failed check when a baseline was read or written. */
  fingerprint?: string;
  /** A failure the baseline accepts: shown, failing no gate. */
  known?: { reason: string };
  /** A failed server error sent again before the run reported it (reproduce/reproduce.ts): `flaky` when it did not come back. */
  replay?: { outcome: 'reproduced' | 'flaky' | 'inconclusive'; answers: number[]; note: string };
}

export type Severity = 'bug' | 'deviation';

/**
 * passed/failed: the stage ran. skipped: it could not run here (k6 missing, no command configured),
 * with the reason. not-available: this version of Gauntlet has no such stage yet. Neither of the last
 * two is ever a pass.
 */
export type StageStatus = 'passed' | 'failed' | 'skipped' | 'not-available';

export interface StageResult {
  name: string;
  status: StageStatus;
  reason?: string;
  durationMs: number;
  checks: CheckResult[];
  /** Figures a stage measured (e.g. operations covered), for gates and reports. */
  metrics: Record<string, number>;
  /** Figures over the stage's run, sampled (the load stage: latency, throughput, memory, SQL per request); `t` in seconds. */
  timeline?: Timeline;
  /** Tables a stage measured (the load stage's cost per data size), rendered as they are by every report. */
  tables?: DataTable[];
}

export interface DataTable {
  title: string;
  columns: string[];
  rows: string[][];
  /** A sentence under the table: what the figures are, how they were measured. */
  note?: string;
}

export interface Timeline {
  t: number[];
  series: Record<string, (number | null)[]>;
}

export type Comparator = '>=' | '<=' | '==';

export interface GateResult {
  name: string;
  comparator: Comparator;
  threshold: number;
  actual: number | null;
  passed: boolean;
  message?: string;
  /** The machine was too slow to decide (the message has the figures): it does not fail the run, and is not shown as a pass. */
  inconclusive?: boolean;
}

export interface RunResult {
  schemaVersion: 1;
  startedAt: string;
  durationMs: number;
  environment: string;
  target: { name: string; url: string | null };
  stages: StageResult[];
  gates: GateResult[];
  passed: boolean;
  /** 0 passed, 1 a gate failed, 2 the run could not finish (a config, environment or internal error: see `error`), 129/130/143 a signal stopped it. */
  exitCode: 0 | 1 | 2 | 129 | 130 | 143;
  /** Why the run could not finish, when it could not: what ran is in `stages`. */
  error?: RunError;
  /** The failures the baseline does not know, one entry per cause (results/grouping.ts): bugs first. */
  causes?: { severity: Severity; cause: string; example: string; checks: string[]; operations: number }[];
  /** What the baseline (gauntlet.baseline.json) made of the failures, when there was one. */
  baseline?: { file: string; known: number; new: number; fixed: { fingerprint: string; id: string; title: string }[]; written?: boolean };
}

export interface RunError {
  /** GAUNTLET_* for a known problem, GAUNTLET_INTERNAL for a bug. */
  code: string;
  message: string;
  fix?: string;
  /** The cause chain and, for an internal error, the stack. */
  detail: string[];
  /** The stage that was running, if any. */
  stage?: string;
}
