import type { GateResult, StageResult } from '../results/types.ts';
import { failedBySeverity, flakyOf } from '../results/severity.ts';
import { gate } from './compare.ts';

export interface GateOptions {
  /** Stages that must run: skipped or not-available counts as a failure (e.g. `--require load` nightly). */
  required: string[];
  /** Threshold gates on stage metrics: `apiCoverage.operations >= 100` is `{ apiCoverage: { operations: 100 } }`. */
  thresholds?: Record<string, Record<string, number>>;
  /** Whether a failed check that is only a deviation from the document fails its stage's gate ('fail'), or is counted apart ('report'). @default 'fail' */
  deviations?: 'fail' | 'report';
  /** Whether a failure that did not come back when sent again fails its stage's gate ('fail'), or is shown apart ('report'). @default 'report' */
  flaky?: 'fail' | 'report';
}

/**
 * One evaluation of every gate. Each stage that ran must have no failed check; a run in which no
 * stage ran at all fails (a gate that checked nothing is not a pass); required stages must have run.
 */
export function evaluateGates(stages: StageResult[], options: GateOptions): GateResult[] {
  const ran = stages.filter((s) => s.status === 'passed' || s.status === 'failed');
  const gates: GateResult[] = [gate('stages.ran', ran.length, '>=', 1, ran.length ? undefined : 'no stage ran: nothing was checked')];
  for (const stage of ran) {
    const { deviations, ...rest } = failedBySeverity(stage.checks);
    const flaky = flakyOf(stage.checks);
    const bugs = options.flaky === 'fail' ? [...rest.bugs, ...flaky] : rest.bugs;
    // Shown, never failing: a failure that did not come back when it was sent again (gates.flaky: 'report').
    if (flaky.length && options.flaky !== 'fail') gates.push({ ...gate(`${stage.name}.flaky`, flaky.length, '>=', 0), message: `${flaky.length} failure(s) did not come back when sent again, reported only (gates.flaky: 'report')` });
    if (options.deviations === 'report') {
      gates.push(gate(`${stage.name}.failedChecks`, bugs.length, '<=', 0));
      // Counted and shown, never failing: gates.deviations is 'report'.
      if (deviations.length) gates.push({ ...gate(`${stage.name}.deviations`, deviations.length, '>=', 0), message: `${deviations.length} deviation(s) from the document, reported only (gates.deviations: 'report')` });
    } else gates.push(gate(`${stage.name}.failedChecks`, bugs.length + deviations.length, '<=', 0));
  }
  for (const [group, values] of Object.entries(options.thresholds ?? {})) {
    for (const [key, threshold] of Object.entries(values)) {
      const metric = `${group}.${key}`;
      // Two stages may measure the same figure (unit tests' coverage and the target's): each is gated, by name.
      const owners = ran.filter((s) => metric in s.metrics);
      for (const owner of owners) gates.push(gate(owners.length > 1 ? `${owner.name}.${metric}` : metric, owner.metrics[metric] as number, '>=', threshold));
    }
  }
  for (const name of options.required) {
    const stage = stages.find((s) => s.name === name);
    const didRun = stage?.status === 'passed' || stage?.status === 'failed';
    gates.push(gate(`${name}.required`, didRun ? 1 : 0, '>=', 1, didRun ? undefined : `required stage ${name} did not run: ${stage?.reason ?? stage?.status ?? 'not selected'}`));
  }
  return gates;
}
