import pc from 'picocolors';
import type { CheckResult, RunResult, StageResult } from '../results/types.ts';
import { deviationKinds, groupFindings } from '../results/grouping.ts';
import { describeFailed, failedBySeverity, flakyFailsGate, flakyOf, isFlaky } from '../results/severity.ts';
import type { Reporter } from './types.ts';
import { reachOf } from '../results/reach.ts';

const STAGE_MARK: Record<StageResult['status'], string> = {
  passed: pc.green('✓ passed'),
  failed: pc.red('✗ failed'),
  skipped: pc.yellow('- skipped'),
  'not-available': pc.dim('· not available'),
};

/** Live progress per stage, then a summary table of gates. */
export class ConsoleReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  private write(line = ''): void {
    this.out.write(`${line}\n`);
  }

  onRunStart(info: { environment: string; stages: string[] }): void {
    this.write(pc.bold(`gauntlet: ${info.stages.join(', ')} on the ${info.environment} environment`));
  }

  onEnvironmentReady(info: { kind: string; postgres: string; redis: string; ms: number }): void {
    this.write(`  environment ${info.kind} ready in ${info.ms} ms (postgres ${info.postgres}, redis ${info.redis})`);
  }

  onTargetReady(info: { name: string; url: string; ms: number }): void {
    this.write(`  target ${info.name} healthy at ${info.url} in ${info.ms} ms`);
  }

  onStageStart(name: string): void {
    this.write(pc.bold(`\n▶ ${name}`));
  }

  onCheck(check: CheckResult): void {
    if (check.status !== 'failed') return;
    this.write(`  ${pc.red('✗')} ${check.severity === 'deviation' ? pc.yellow('[deviation]') : pc.red('[bug]')} ${check.title}`);
    if (check.message) for (const line of shortened(check.message.split('\n'))) this.write(pc.dim(`      ${line}`));
  }

  onStageEnd(stage: StageResult): void {
    const counts = countChecks(stage.checks);
    const reason = stage.reason ? ` — ${stage.reason}` : '';
    this.write(`  ${STAGE_MARK[stage.status]} ${stage.name}: ${counts}${reason} (${stage.durationMs} ms)`);
    const reach = reachOf([stage]);
    if (reach) {
      // What every other check of an operation stands on: which operations a valid request never reached.
      this.write(`  reach ${reach.reached}/${reach.total} operations answered a valid request with a 2xx`);
      for (const row of reach.rows.filter((r) => !r.reached)) this.write(pc.yellow(`    unreached ${row.operation}: ${row.status ?? 'not sent'}${row.fix ? pc.dim(` — ${row.fix}`) : ''}`));
    }
    // A stage's tables (the volume profile's cost per size), columns aligned.
    for (const table of stage.tables ?? []) {
      const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)));
      const line = (cells: string[]) => `    ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')}`;
      this.write(`  ${table.title}`);
      this.write(pc.dim(line(table.columns)));
      for (const row of table.rows) this.write(line(row));
    }
  }

  onRunEnd(result: RunResult): void {
    const { bugs, deviations } = failedBySeverity(result.stages.flatMap((s) => s.checks));
    if (bugs.length + deviations.length) {
      // Bugs first: a 500 must not drown among documentation mismatches.
      this.write(pc.bold(`\n${describeFailed(bugs, deviations)}`));
      // One line per cause: a 500 on hostile input across twenty fields is one finding with its triggers.
      const byId = new Map([...bugs, ...deviations].map((c) => [c.id, c]));
      for (const group of groupFindings([...bugs, ...deviations])) {
        const mark = group.severity === 'bug' ? pc.red('bug') : pc.yellow('deviation');
        const pad = group.severity === 'bug' ? '        ' : '  ';
        const first = byId.get(group.checks[0] as string) as CheckResult;
        if (group.checks.length === 1) this.write(`  ${mark}${pad}${first.title} ${pc.dim(`(${first.id})`)}`);
        else this.write(`  ${mark}${pad}${group.example} — ${group.checks.length} ${group.severity === 'bug' ? 'checks' : 'answers'} on ${group.operations} operation${group.operations === 1 ? '' : 's'} ${pc.dim(`(${group.checks.slice(0, 3).join(', ')}${group.checks.length > 3 ? ', …' : ''})`)}`);
      }
      // The deviations in words, per kind: what the document gets wrong, at a glance.
      const kinds = deviationKinds(deviations);
      if (kinds.length) this.write(pc.dim(`  deviations per kind: ${kinds.map((k) => k.summary).join('; ')}`));
    }
    const flaky = flakyOf(result.stages.flatMap((s) => s.checks));
    if (flaky.length) {
      // Shown, failing no gate (gates.flaky: 'report'): what a reader may want to look at, not a verdict.
      const counted = !flakyFailsGate(result);
      this.write(pc.bold(`\nFlaky: ${flaky.length} failure${flaky.length === 1 ? '' : 's'} did not come back when sent again`) + pc.dim(counted ? ' (failing no gate: gates.flaky is report)' : ' (failing the gate: gates.flaky is fail)'));
      for (const c of flaky) this.write(`  ${pc.yellow('flaky')}      ${c.title} ${pc.dim(`(${c.id}: ${c.replay?.answers.join(' → ')})`)}`);
    }
    const b = result.baseline;
    if (b && !b.written) {
      // Known findings fail nothing: counted, so a team sees the debt it accepted shrink.
      this.write(pc.bold(`\nBaseline ${b.file}: ${b.new} new, ${b.known} known (accepted), ${b.fixed.length} fixed`));
      for (const f of b.fixed) this.write(`  ${pc.green('fixed')}      ${f.title} ${pc.dim(`(${f.id})`)}`);
    }
    this.write(pc.bold('\nGates'));
    for (const g of result.gates) {
      const mark = g.inconclusive ? pc.yellow('INCONCLUSIVE') : g.passed ? pc.green('PASS') : pc.red('FAIL');
      this.write(`  ${mark} ${g.name}: ${g.actual ?? 'not measured'} (must be ${g.comparator} ${g.threshold})${g.message ? ` — ${g.message}` : ''}`);
    }
    const verdict = result.passed ? pc.green(pc.bold('PASSED')) : pc.red(pc.bold('FAILED'));
    this.write(`\n${verdict} in ${(result.durationMs / 1000).toFixed(1)} s — exit ${result.exitCode}`);
  }
}

export function countChecks(checks: CheckResult[]): string {
  const n = (s: CheckResult['status']) => checks.filter((c) => c.status === s && !isFlaky(c)).length;
  const flaky = checks.filter(isFlaky).length;
  return `${n('passed')} passed, ${n('failed')} failed, ${flaky ? `${flaky} flaky, ` : ''}${n('skipped')} skipped`;
}

/**
 * At most 8 lines of a message on the console: its head (what failed) and its tail (where a failing
 * tool's output ends with its error), the lines between counted. The reports keep the whole message.
 */
export function shortened(lines: string[]): string[] {
  if (lines.length <= 8) return lines;
  return [...lines.slice(0, 3), `… ${lines.length - 7} more lines (the whole message is in the reports) …`, ...lines.slice(-4)];
}
