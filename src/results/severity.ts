import type { CheckResult, Severity } from './types.ts';

/** Problems in a contract check's message that make it a bug, not a deviation from the document. */
const BUG_SIGNS = /a server error|exposes|expected a 4xx|crash|no answer|did not survive|lost|changed after/i;

/**
 * How much a failed check matters. A **bug** hurts users or data whatever the document says: a 5xx,
 * a crash, a security finding (auth bypass, broken authorization, injection, a leak), lost data, an
 * invalid request accepted, a failing test or journey, a crossed load threshold. A **deviation** is
 * a response that works but is not what the OpenAPI document promises: an undocumented status or
 * content type, another body shape (FastAPI's `{"detail": …}` where an envelope is documented). Only
 * the contract stage's response checks (and the security stage's :answers) can be deviations, and only when every problem they list is one.
 */
export function severityOf(check: CheckResult): Severity {
  // The security stage's answers judged against the document (security:<op>:answers) are deviations too.
  if (check.stage !== 'contract' && !(check.stage === 'security' && check.id.endsWith(':answers'))) return 'bug';
  if (check.id === 'contract:document') return 'deviation'; // the document itself is not valid OpenAPI
  if (check.id === 'contract:persistence' || check.id === 'contract:auth' || check.id.endsWith(':error') || check.id.endsWith(':state-poisoning') || check.id.endsWith(':queries-per-item') || check.id.endsWith(':race') || check.id.endsWith(':deleted') || check.id.endsWith(':read-your-writes') || check.id.endsWith(':content-type') || check.id.endsWith(':pages') || check.id.endsWith(':listed') || check.id.endsWith(':counter') || check.id.endsWith(':calls') || check.id.endsWith(':partial-update') || check.id.includes(':filter:') || check.id.includes(':sort:') || check.id.includes(':unique:')) return 'bug';
  const problems = (check.message ?? '').split('\n').filter((line) => !/^(reproduce|minimal reproduction|response|replayed|flaky):/.test(line));
  return problems.some((line) => BUG_SIGNS.test(line)) ? 'bug' : 'deviation';
}

/** The check with its severity when it failed; others unchanged. */
export function withSeverity(check: CheckResult): CheckResult {
  return check.status === 'failed' ? { ...check, severity: severityOf(check) } : check;
}

/** A failure that did not come back when it was sent again (reproduce/reproduce.ts): shown apart, failing no gate unless gates.flaky is 'fail'. */
export function isFlaky(check: CheckResult): boolean {
  return check.status === 'failed' && check.replay?.outcome === 'flaky';
}

/** Failed checks the baseline does not know, bugs first, each group in run order; the flaky ones apart. */
export function failedBySeverity(checks: CheckResult[]): { bugs: CheckResult[]; deviations: CheckResult[] } {
  const failed = checks.filter((c) => c.status === 'failed' && !c.known && !isFlaky(c)).map(withSeverity);
  return { bugs: failed.filter((c) => c.severity === 'bug'), deviations: failed.filter((c) => c.severity === 'deviation') };
}

/** Whether a run's flaky failures fail their stage's gate: with gates.flaky 'report' (the default) each stage with some has a `<stage>.flaky` gate that only counts them. */
export function flakyFailsGate(result: { gates: { name: string }[] }): boolean {
  return !result.gates.some((g) => g.name.endsWith('.flaky'));
}

/** The flaky failures the baseline does not know. */
export function flakyOf(checks: CheckResult[]): CheckResult[] {
  return checks.filter((c) => isFlaky(c) && !c.known);
}

/** "Failed checks: 2 bugs, 1 deviation from the document": the heading every report shows. */
export function describeFailed(bugs: CheckResult[], deviations: CheckResult[]): string {
  return `Failed checks: ${bugs.length} bug${bugs.length === 1 ? '' : 's'}, ${deviations.length} deviation${deviations.length === 1 ? '' : 's'} from the document`;
}
