import { rm } from 'node:fs/promises';
import path from 'node:path';
import { e2eGates, MEASUREMENTS_ENV, readMeasurements, type Measurement } from '../../e2e/measurements.ts';
import type { CheckResult, GateResult } from '../../results/types.ts';
import { runJUnitSuite } from '../_junit-suite.ts';
import type { Stage, StageContext, StageOutcome } from '../types.ts';
import { FINDINGS_ENV, findingChecks, readFindings } from '../../e2e/findings.ts';

/**
 * The e2e stage: the target's journeys and fault scenarios (a vitest suite on the step library,
 * suites/e2e for the example), run against the started target. Each journey step is a check; the
 * stream timings and recovery times the steps record become gates (stages.e2e.thresholds). Faults
 * the tests injected are cleared, and stopped services started, whatever the tests left behind.
 */
export const e2eStage: Stage = {
  name: 'e2e',
  description: 'user journeys, streaming latency and fault injection with recovery',
  async run(context: StageContext): Promise<StageOutcome> {
    const { config } = context;
    const settings = config.stages.e2e;
    if (!settings) return { status: 'skipped', reason: 'no stages.e2e in gauntlet.config.ts: name the journey suite (tests) and the endpoints it calls', checks: [] };
    const measurementsFile = path.join(config.reportsDir, 'e2e-measurements.jsonl');
    const findingsFile = path.join(config.reportsDir, 'e2e-findings.jsonl');
    await Promise.all([rm(measurementsFile, { force: true }), rm(findingsFile, { force: true })]);
    let suite;
    try {
      suite = await runJUnitSuite('e2e', settings.tests, {
        env: {
          GAUNTLET_CONTEXT: JSON.stringify(context.gauntlet),
          GAUNTLET_CONFIG: config.configFile,
          GAUNTLET_TARGET_URL: context.target.url,
          [MEASUREMENTS_ENV]: measurementsFile,
          [FINDINGS_ENV]: findingsFile,
        },
        reportsDir: config.reportsDir,
      });
    } finally {
      await context.control.restore();
    }
    const { checks, complete } = suite;
    // Whatever each step asserted, no response of the journeys may expose internals.
    checks.push(...findingChecks(await readFindings(findingsFile)));
    const measurements = await readMeasurements(measurementsFile);
    // A run that did not finish measured only some of what its gates are about: none may pass on that.
    const gates = e2eGates(measurements, settings.thresholds).map((g) => (complete ? g : { ...g, passed: false, message: `not evaluated: the e2e run did not finish, so the ${measurements.length} measurement(s) it made are partial` }));
    checks.push(...gates.map(gateCheck));
    for (const check of checks) context.onCheck(check);
    const failed = checks.filter((c) => c.status === 'failed').length;
    return { status: failed > 0 ? 'failed' : 'passed', checks, gates, metrics: figures(checks, measurements) };
  },
};

/** A gate as a check too, so the stage fails by name and the report lists it beside the steps. */
function gateCheck(g: GateResult): CheckResult {
  return {
    id: `e2e:gate:${g.name}`,
    stage: 'e2e',
    title: `${g.name} ${g.comparator} ${g.threshold}`,
    // An inconclusive gate (the machine too slow to tell) is a skip with the figures.
    status: g.inconclusive ? 'skipped' : g.passed ? 'passed' : 'failed',
    ...(g.passed && !g.inconclusive ? {} : { message: g.message ?? `measured ${g.actual}, must be ${g.comparator} ${g.threshold}` }),
    evidence: { actual: g.actual, threshold: g.threshold },
  };
}

function figures(checks: CheckResult[], measurements: Measurement[]): Record<string, number> {
  const of = (name: Measurement['name']) => measurements.filter((m) => m.name === name);
  return {
    'e2e.steps.passed': checks.filter((c) => c.status === 'passed' && !c.id.startsWith('e2e:gate:')).length,
    'e2e.steps.failed': checks.filter((c) => c.status === 'failed' && !c.id.startsWith('e2e:gate:')).length,
    'e2e.streams': of('stream.ttft').length,
    'e2e.recoveries': of('recovery').length,
  };
}
