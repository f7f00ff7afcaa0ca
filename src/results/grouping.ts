import { signatureOf } from '../baseline/fingerprint.ts';
import type { CheckResult, Severity } from './types.ts';

/** Failed checks that share one cause: the same severity and error signature, across fields and operations. */
export interface FindingGroup {
  severity: Severity;
  /** The signature they share: "answered N: a server error", "content type text/plain is not documented for N …". */
  cause: string;
  /** The first check's own first line (with its operation, field and values): what a reader sees. */
  example: string;
  /** Their check ids, in run order. */
  checks: string[];
  /** How many operations they touch. */
  operations: number;
}

/** `METHOD /path` in a check id or a message, up to the check's own suffix (`:boundaries`, `:body.name`). */
export const OPERATION = /\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/[^\s:]*(?::[^\s:]+)*?(?=:[a-z]|[\s,)]|$)/g;

/** The first `METHOD /path` of a check id, where it starts and what it is (the SARIF report locates and names findings by it). */
export function operationIn(id: string): RegExpExecArray | null {
  return new RegExp(OPERATION.source).exec(id);
}

/**
 * One finding per cause (issue #27, item 2): the failed checks (the baseline's known ones left out)
 * grouped by severity and by what failed, with what varies between them taken out: the operation, the
 * field or parameter and the value that triggered it ("answered 500: a server error, for body.name =
 * 256 characters" and "… for query.limit = 2^31" are one cause, a 500 on hostile input). Bugs first,
 * then deviations; within each, the most checks first.
 */
export function groupFindings(checks: CheckResult[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup & { ops: Set<string> }>();
  for (const check of checks) {
    if (check.status !== 'failed' || check.known) continue;
    const severity = check.severity ?? 'bug';
    const cause = causeOf(check);
    const key = `${severity}\n${cause}`;
    const group = groups.get(key) ?? { severity, cause, example: (check.message ?? check.title).split('\n')[0] ?? '', checks: [], operations: 0, ops: new Set<string>() };
    group.checks.push(check.id);
    for (const op of check.id.match(OPERATION) ?? []) group.ops.add(op);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ ops, ...g }) => ({ ...g, operations: ops.size }))
    .sort((a, b) => (a.severity === b.severity ? b.checks.length - a.checks.length : a.severity === 'bug' ? -1 : 1));
}

/** What failed, without where and with what: the signature up to the trigger it names, operations taken out. */
export function causeOf(check: CheckResult): string {
  return signatureOf(check)
    .replace(OPERATION, 'OP')
    .replace(/,? for (?:body|query|path|header|cookie)\.\S+ = .*$/, '')
    .replace(/\b(?:body|query|path|header)\.[\w.[\]-]+/g, 'FIELD')
    .trim();
}
