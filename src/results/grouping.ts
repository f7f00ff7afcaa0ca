import { signatureOf } from '../baseline/fingerprint.ts';
import { isFlaky } from './severity.ts';
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
    if (check.status !== 'failed' || check.known || isFlaky(check)) continue;
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

/** The kinds of deviation from the document, in words, each recognised by the first line of a check's message (openapi/validate.ts writes them). */
const DEVIATION_KINDS: { kind: string; words: string; test: RegExp }[] = [
  { kind: 'status', words: 'statuses the document does not list', test: /^status \d+ is not documented/ },
  { kind: 'content-type', words: 'content types the document does not list', test: /^content type \S+ is not documented/ },
  { kind: 'not-json', words: 'bodies that are not the JSON the document promises', test: /^the body is not valid JSON/ },
  { kind: 'error-shape', words: 'error bodies that are not the documented shape', test: /^body\S* / },
  { kind: 'header', words: 'documented headers missing', test: /^required header / },
];

/**
 * Deviations summarised per kind, in words (issue #27, item 2): "error bodies that are not the
 * documented shape: 46 answers on 12 operations". A body that is not the documented shape is an error
 * body's when its check's answer was a 4xx/5xx, a success body's otherwise. Most answers first.
 */
export function deviationKinds(checks: CheckResult[]): { kind: string; summary: string; answers: number; operations: number }[] {
  const kinds = new Map<string, { words: string; answers: number; ops: Set<string> }>();
  for (const check of checks) {
    if (check.status !== 'failed' || check.known || check.severity !== 'deviation') continue;
    const first = (check.message ?? '').split('\n')[0] ?? '';
    const found = check.id === 'contract:document' ? { kind: 'document', words: 'the document itself breaks the OpenAPI schema' } : DEVIATION_KINDS.find((k) => k.test.test(first));
    const status = typeof check.evidence?.status === 'number' ? check.evidence.status : undefined;
    const kind = found?.kind === 'error-shape' && status !== undefined && status < 400 ? { kind: 'body-shape', words: 'success bodies that are not the documented shape' } : (found ?? { kind: 'other', words: 'other answers not as documented' });
    const entry = kinds.get(kind.kind) ?? { words: kind.words, answers: 0, ops: new Set<string>() };
    entry.answers += 1;
    for (const op of check.id.match(OPERATION) ?? []) entry.ops.add(op);
    kinds.set(kind.kind, entry);
  }
  return [...kinds]
    .map(([kind, e]) => ({ kind, answers: e.answers, operations: e.ops.size, summary: kind === 'document' ? e.words : `${e.words}: ${e.answers} answer${e.answers === 1 ? '' : 's'} on ${e.ops.size} operation${e.ops.size === 1 ? '' : 's'}` }))
    .sort((a, b) => b.answers - a.answers);
}
