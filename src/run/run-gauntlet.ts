import type { ResolvedConfig } from '../config/load.ts';
import type { EnvironmentKind } from '../config/schema.ts';
import { redact } from '../database/database-manager.ts';
import { resolveEnvironmentKind } from '../environments/resolve.ts';
import { prepareTargetCoverage, TARGET_COVERAGE } from '../coverage/target-coverage.ts';
import { evaluateGates } from '../gates/evaluate.ts';
import { startStack, type Stack } from '../provision/stack.ts';
import { combineReporters, type Reporter } from '../reporters/types.ts';
import type { GateResult, RunResult, StageResult } from '../results/types.ts';
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
}

/** The whole run: provision → target → stages → gates → reports. Tears everything down in `finally`. */
export async function runGauntlet(options: RunOptions): Promise<RunResult> {
  const { config } = options;
  const events = combineReporters(options.reporters);
  const startedAt = new Date();
  const kind = await resolveEnvironmentKind(options.environment);
  events.onRunStart({ environment: kind, stages: options.stages, reportsDir: config.reportsDir });

  const coverage = options.coverage === false ? undefined : await prepareTargetCoverage(config, kind);
  let stack: Stack | undefined;
  const stages: StageResult[] = [];
  const stageGates: GateResult[] = [];
  try {
    stack = await startStack(config, kind, {
      withTarget: true,
      targetEnv: { ...options.targetEnv, ...coverage?.env },
      onEnvironmentReady: (env, ms) => events.onEnvironmentReady({ kind: env.kind, postgres: redact(env.postgres.adminUrl), redis: env.redis.url, ms }),
    });
    const target = stack.target as NonNullable<Stack['target']>;
    events.onTargetReady({ name: config.target.name, url: target.url, ms: stack.timings.targetMs });
    for (const name of options.stages) {
      events.onStageStart(name);
      const { result, gates } = await runStage(name, { config, environment: stack.environment, target, database: stack.database, upstreams: stack.upstreams, control: stack.control, gauntlet: stack.context, onCheck: events.onCheck });
      stages.push(result);
      stageGates.push(...gates);
      events.onStageEnd(result);
    }
  } finally {
    await stack?.stop();
  }
  if (coverage) {
    // Measured while every stage ran; readable only now that the target has exited.
    events.onStageStart(TARGET_COVERAGE);
    const result = await coverage.collect();
    result.checks.forEach((c) => events.onCheck(c));
    stages.push(result);
    events.onStageEnd(result);
  }

  const gates = [...evaluateGates(stages, { required: options.required, thresholds: config.gates }), ...stageGates];
  const passed = gates.every((g) => g.passed);
  const result: RunResult = {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    environment: kind,
    target: { name: config.target.name, url: stack?.context.targetUrl ?? null },
    stages,
    gates,
    passed,
    exitCode: passed ? 0 : 1,
  };
  await events.onRunEnd(result);
  return result;
}

async function runStage(name: StageName, context: Parameters<NonNullable<(typeof STAGES)[StageName]>['run']>[0]): Promise<{ result: StageResult; gates: GateResult[] }> {
  const stage = STAGES[name];
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
  };
  return { result, gates: outcome.status === 'passed' || outcome.status === 'failed' ? (outcome.gates ?? []) : [] };
}
