import type { RunResult, StageResult } from './types.ts';

/** One operation's reach as the contract stage recorded it (contract:reach's evidence). */
export interface ReachRow {
  operation: string;
  reached: boolean;
  status: number | null;
  as: string;
  after: string[];
  tried: string[];
  request?: string;
  answer?: string;
  fix?: string;
}

export interface ReachReport {
  title: string;
  reached: number;
  total: number;
  rows: ReachRow[];
  dependencies: { edge: string; how: string[] }[];
}

/** The run's reach, for reporters: from the contract stage's `contract:reach` check, when it ran. */
export function reachOf(stages: StageResult[] | RunResult['stages']): ReachReport | undefined {
  const check = stages.flatMap((s) => s.checks).find((c) => c.id === 'contract:reach');
  const evidence = check?.evidence as { operations?: ReachRow[]; dependencies?: ReachReport['dependencies'] } | undefined;
  if (!check || !evidence?.operations) return undefined;
  const rows = evidence.operations;
  return { title: check.title, reached: rows.filter((r) => r.reached).length, total: rows.length, rows, dependencies: evidence.dependencies ?? [] };
}

/** "as the admin, after POST /accounts/" */
export function describeWay(row: ReachRow): string {
  const as = row.as === 'admin' ? 'as the admin' : row.as === 'anonymous' ? 'without a session' : 'as the user';
  return `${as}${row.after.length ? `, after ${row.after.join(', ')}` : ''}`;
}
