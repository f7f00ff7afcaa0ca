import { stripVTControlCharacters } from 'node:util';
import type { ResolvedConfig } from '../config/load.ts';
import type { EnvironmentKind } from '../config/schema.ts';
import { redact } from '../database/database-manager.ts';
import { resolveEnvironmentKind } from '../environments/resolve.ts';
import { prepareTargetCoverage, TARGET_COVERAGE } from '../coverage/target-coverage.ts';
import { evaluateGates } from '../gates/evaluate.ts';
import { coverageCheck, shareCoverage, sharedCoverage } from '../openapi/api-coverage.ts';
import { preflightDocument } from '../openapi/preflight.ts';
import { startStack, type Stack } from '../provision/stack.ts';
import { crashCheck, unreachableCheck } from '../target/crash-checks.ts';
import { causeChain, NetworkError } from '../http/network-error.ts';
import { liveness } from '../target/liveness.ts';
import { combineReporters, type Reporter } from '../reporters/types.ts';
import { redactDeep, registerConfigSecrets } from '../redact/secrets.ts';
import { applyBaseline, baselineOf, writeBaseline, type Baseline, type BaselineOutcome } from '../baseline/baseline.ts';
import { groupFindings } from '../results/grouping.ts';
import { isFlaky, withSeverity } from '../results/severity.ts';
import { confirmFailures, forgetReplays } from '../reproduce/reproduce.ts';
import { send } from '../http/send.ts';
import type { CheckResult, GateResult, RunError, RunResult, StageResult } from '../results/types.ts';
import { runErrorCheck, runErrorOf } from './run-error.ts';
import { interruptedBy, signalExitCode } from '../process/cleanup.ts';
import { STAGES } from '../stages/registry.ts';
import type { StageName } from '../stages/types.ts';

export interface RunOptions {
  config: ResolvedConfig;
  environment: EnvironmentKind;
  stages: StageName[];
  /** Stages that must run (skipped or not available fails the gate). */
  required: StageName[];
  reporters: Reporter[];
  /** Extra env vars for the target (see flawEnv). */
  targetEnv?: Record<string, string>;
  /** Measure target.coverage (when configured). @default true */
  coverage?: boolean;
  /**
   * The accepted findings (`gauntlet.baseline.json`, read by the CLI before the run): failures it
   * knows fail no gate. `update` writes this run's failures as the new baseline after the run.
   */
  baseline?: { file: string; previous: Baseline | undefined; update: boolean };
  /** The stages by name (tests replace one to prove a failure is reported). @default STAGES */
  registry?: typeof STAGES;
}

/**
 * The whole run: provision → target → stages → gates → reports. Tears everything down in `finally`.
 * Whatever fails, the reports are written: a stage that throws is a failed stage and the others
 * still run; an environment or target that cannot start leaves the stages unrun and says why. Either
 * way the run's `error` says what happened and its exit code is 2.
 */
export async function runGauntlet(options: RunOptions): Promise<RunResult> {
  const { config } = options;
  registerConfigSecrets(config);
  // Every check reaches the reporters (the console too) with the run's secrets replaced by placeholders.
  const reporters = combineReporters(options.reporters);
  const events = { ...reporters, onCheck: (check: CheckResult) => reporters.onCheck(redactDeep(withSeverity(check))), onStageEnd: (stage: StageResult) => reporters.onStageEnd(redactDeep(stage)) };
  const startedAt = new Date();
  const kind = await resolveEnvironmentKind(options.environment);
  events.onRunStart({ environment: kind, stages: options.stages, reportsDir: config.reportsDir });

  const coverage = options.coverage === false ? undefined : await prepareTargetCoverage(config, kind);
  shareCoverage(undefined); // the contract stage of this run makes the run's API coverage
  let stack: Stack | undefined;
  const stages: StageResult[] = [];
  const stageGates: GateResult[] = [];
  let failure: RunError | undefined;
  liveness.begin(config.target.crashRestarts);
  forgetReplays();
  try {
    await preflightDocument(config, options.stages);
    stack = await startStack(config, kind, {
      withTarget: true,
      targetEnv: { ...options.targetEnv, ...coverage?.env },
      onEnvironmentReady: (env, ms) => events.onEnvironmentReady({ kind: env.kind, postgres: redact(env.postgres.adminUrl), redis: env.redis.url, ms }),
    });
    const target = stack.target as NonNullable<Stack['target']>;
    events.onTargetReady({ name: config.target.name, url: target.url, ms: stack.timings.targetMs });
    // Set once the target stops answering: the stages after that one are skipped with this reason.
    let unreachable: string | undefined;
    for (const name of options.stages) {
      // After Ctrl-C no stage starts: the error below becomes GAUNTLET_INTERRUPTED (run-error.ts).
      if (interruptedBy()) throw new Error(`the ${name} stage was about to start`);
      if (unreachable) {
        const skipped: StageResult = { name, status: 'skipped', reason: `not run: ${unreachable}`, durationMs: 0, checks: [], metrics: {} };
        stages.push(skipped);
        events.onStageEnd(skipped);
        continue;
      }
      events.onStageStart(name);
      const started = performance.now();
      // What the stage reported so far: kept if it breaks (every finding the console showed reaches the reports).
      const emitted: CheckResult[] = [];
      const onCheck = (check: CheckResult) => {
        emitted.push(check);
        events.onCheck(check);
      };
      const context = { config, environment: stack.environment, target, database: stack.database, upstreams: stack.upstreams, control: stack.control, gauntlet: stack.context, onCheck };
      const { result, gates } = await runStage(name, context, options.registry ?? STAGES).catch((error: unknown) => {
        const durationMs = Math.round(performance.now() - started);
        const network = causeChain(error).find((e): e is NetworkError => e instanceof NetworkError);
        if (network && !interruptedBy()) {
          // The target stopped answering: a finding about the target, not a broken run (exit 1, not 2).
          for (const crash of liveness.take()) emitted.push(crashCheck(name, config.target.name, crash));
          const check = unreachableCheck(name, config.target.name, network, liveness.all(), config.target.crashRestarts);
          events.onCheck(check);
          unreachable = `${config.target.name} stopped answering in the ${name} stage (${check.id})`;
          return { result: { name, status: 'failed' as const, reason: check.message?.split('\n')[0], durationMs, checks: [...emitted, check], metrics: {} }, gates: [] };
        }
        const broken = runErrorOf(error, name);
        failure ??= broken;
        const check = runErrorCheck(broken);
        events.onCheck(check);
        return { result: { name, status: 'failed' as const, reason: check.message?.split('\n')[0], durationMs, checks: [...emitted, check], metrics: {} }, gates: [] };
      });
      // Reproduce before report: each server error the stage found (and did not replay itself) is sent again.
      if (!unreachable) await confirmFailures(result.checks, send);
      forgetReplays();
      const failedChecks = result.checks.filter((c) => c.status === 'failed');
      // A stage whose only failures did not come back passed (they are shown apart), unless gates.flaky is 'fail'.
      if (result.status === 'failed' && config.gates.flaky === 'report' && failedChecks.length > 0 && failedChecks.every(isFlaky)) result.status = 'passed';
      // The target died while this stage ran (and was restarted): a failed check of the stage, each time.
      for (const crash of liveness.take()) {
        const check = crashCheck(name, config.target.name, crash);
        events.onCheck(check);
        result.checks.push(check);
        result.status = 'failed';
      }
      stages.push(result);
      stageGates.push(...gates);
      events.onStageEnd(result);
    }
  } catch (error) {
    failure = runErrorOf(error);
  } finally {
    liveness.end();
    await stack?.stop().catch((error: unknown) => {
      failure ??= runErrorOf(error);
    });
  }
  if (failure && !failure.stage) {
    // Nothing ran, or the run broke between stages: say so for every stage that did not run.
    const check = runErrorCheck(failure);
    events.onCheck(check);
    stages.push({ name: 'gauntlet', status: 'failed', reason: failure.message, durationMs: 0, checks: [check], metrics: {} });
    for (const name of options.stages.filter((n) => !stages.some((s) => s.name === n))) {
      stages.push({ name, status: 'skipped', reason: `not run: ${failure.code}: ${failure.message}`, durationMs: 0, checks: [], metrics: {} });
    }
  }
  if (coverage) {
    // Measured while every stage ran; readable only now that the target has exited.
    events.onStageStart(TARGET_COVERAGE);
    const result = await coverage.collect().catch((error: unknown) => {
      const check = runErrorCheck(runErrorOf(error, TARGET_COVERAGE));
      return { name: TARGET_COVERAGE, status: 'failed' as const, reason: check.message, durationMs: 0, checks: [check], metrics: {} };
    });
    result.checks.forEach((c) => events.onCheck(c));
    stages.push(result);
    events.onStageEnd(result);
  }

  withRunCoverage(stages);
  // Classified and stripped of terminal codes once: the baseline's fingerprints, the gates and the reports all read these.
  const finished = stages.map(forReports);
  let baseline: BaselineOutcome | undefined;
  if (options.baseline?.previous) baseline = applyBaseline(finished, options.baseline.previous, options.baseline.file);
  if (options.baseline?.update && !failure) {
    // Failures as they are (known ones too), each reason already given kept: the new accepted set.
    const written = baselineOf(finished, options.baseline.previous);
    await writeBaseline(options.baseline.file, redactDeep(written));
    baseline = { file: options.baseline.file, known: written.findings.length, new: 0, fixed: baseline?.fixed ?? [], written: true };
    for (const stage of finished) stage.checks = stage.checks.map((c) => (c.status === 'failed' && !c.known ? { ...c, known: { reason: 'accepted now (--update-baseline)' } } : c));
  }
  const { deviations, flaky, reach, ...thresholds } = config.gates;
  const gates = [...evaluateGates(finished, { required: options.required, thresholds: { ...thresholds, reach: { operations: reach } }, deviations, flaky }), ...stageGates];
  const passed = !failure && gates.every((g) => g.passed);
  const reported = redactDeep(finished);
  const result: RunResult = {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    environment: kind,
    target: { name: config.target.name, url: stack?.context.targetUrl ?? null },
    stages: reported,
    gates,
    causes: groupFindings(reported.flatMap((s) => s.checks)),
    passed,
    exitCode: interruptedBy() ? signalExitCode(interruptedBy() as NodeJS.Signals) : failure ? 2 : passed ? 0 : 1,
    ...(failure ? { error: redactDeep(failure) } : {}),
    ...(baseline ? { baseline } : {}),
  };
  await events.onRunEnd(result);
  return result;
}

/** The stage as the report files get it: colour and cursor codes stripped (a test runner's output in a message), each failed check classified. */
function forReports(stage: StageResult): StageResult {
  const clean = (text: string | undefined) => (text === undefined ? undefined : stripVTControlCharacters(text));
  return {
    ...stage,
    ...(stage.reason !== undefined ? { reason: clean(stage.reason) } : {}),
    checks: stage.checks.map((c) => withSeverity({ ...c, title: stripVTControlCharacters(c.title), ...(c.message !== undefined ? { message: clean(c.message) } : {}) })),
  };
}

async function runStage(name: StageName, context: Parameters<NonNullable<(typeof STAGES)[StageName]>['run']>[0], registry: typeof STAGES): Promise<{ result: StageResult; gates: GateResult[] }> {
  const stage = registry[name];
  const started = performance.now();
  if (!stage) {
    return { result: { name, status: 'not-available', reason: 'this version of Gauntlet has no such stage yet', durationMs: 0, checks: [], metrics: {} }, gates: [] };
  }
  const outcome = await stage.run(context);
  if (outcome.status === 'failed' && !outcome.checks.some((c) => c.status === 'failed')) {
    // A failed stage always fails its gate: its reason becomes a failed check.
    outcome.checks.push({ id: `${name}:stage`, stage: name, title: `the ${name} stage ran to completion`, status: 'failed', message: outcome.reason ?? 'the stage failed without naming a check' });
  }
  const result: StageResult = {
    name,
    status: outcome.status,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    durationMs: Math.round(performance.now() - started),
    checks: outcome.checks,
    metrics: outcome.metrics ?? {},
    ...(outcome.timeline ? { timeline: outcome.timeline } : {}),
    ...(outcome.tables?.length ? { tables: outcome.tables } : {}),
  };
  return { result, gates: outcome.status === 'passed' || outcome.status === 'failed' ? (outcome.gates ?? []) : [] };
}

/**
 * The API coverage of the whole run in the contract stage's metrics and check: the security
 * stage's answers count too, so the gates on apiCoverage.* see every status any stage saw.
 */
function withRunCoverage(stages: StageResult[]): void {
  const coverage = sharedCoverage();
  const contract = stages.find((s) => s.name === 'contract');
  if (!coverage || !contract) return;
  Object.assign(contract.metrics, coverage.metrics());
  const at = contract.checks.findIndex((c) => c.id === 'contract:coverage');
  if (at >= 0) contract.checks[at] = coverageCheck(coverage);
}
