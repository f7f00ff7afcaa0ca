import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedConfig } from '../../src/config/load.ts';
import { startStack } from '../../src/provision/stack.ts';
import type { CheckResult } from '../../src/results/types.ts';
import { e2eStage } from '../../src/stages/e2e/e2e-stage.ts';
import type { StageOutcome } from '../../src/stages/types.ts';
import { ROOT } from '../helpers/cli.ts';

/**
 * The e2e stage against companion-api with one seeded flaw, on a stack of its own (the upstream-500
 * scenario switches the stack's LLM upstream into failure, which must not reach other test files).
 * Only the journey file that should catch the flaw runs, so each test is about that flaw alone.
 */
async function runE2e(flaw: string, file: string, testNamePattern?: string): Promise<StageOutcome> {
  const { config: base } = await loadConfig(path.join(ROOT, 'gauntlet.config.ts'));
  const reportsDir = path.join(ROOT, 'reports', `test-e2e-${flaw}`);
  const e2e = base.stages.e2e as NonNullable<ResolvedConfig['stages']['e2e']>;
  const command = ['npx', 'vitest', 'run', '--project', 'e2e', '--reporter=junit', `--outputFile.junit=${reportsDir}/e2e-junit.xml`, file, ...(testNamePattern ? ['-t', testNamePattern] : [])];
  const config: ResolvedConfig = { ...base, reportsDir, stages: { ...base.stages, e2e: { ...e2e, tests: { ...e2e.tests, command, junit: `${reportsDir}/e2e-junit.xml` }, thresholds: { recoveryMs: 15_000 } } } };
  const stack = await startStack(config, 'native', { withTarget: true, targetEnv: { COMPANION_ALLOW_FLAWS: '1', COMPANION_FLAWS: flaw } });
  try {
    const target = stack.target as NonNullable<typeof stack.target>;
    return await e2eStage.run({ config, environment: stack.environment, target, database: stack.database, upstreams: stack.upstreams, control: stack.control, gauntlet: stack.context, onCheck: () => undefined });
  } finally {
    await stack.stop();
  }
}

const byTitle = (checks: CheckResult[], fragment: string) => checks.filter((c) => c.title.includes(fragment));

describe('the e2e stage catches the flaws meant for it', () => {
  it('crisis-detection-bypassed fails the crisis step of the voice journey, and only the steps after it are skipped', async () => {
    const outcome = await runE2e('crisis-detection-bypassed', 'suites/e2e/voice-crisis.test.ts');
    expect(outcome.status).toBe('failed');
    const failed = outcome.checks.filter((c) => c.status === 'failed' && !c.id.startsWith('e2e:gate:'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ title: expect.stringContaining('a voice clip in crisis: risk is high'), message: expect.stringMatching(/was scored .*"level":"none"/) });
    expect(byTitle(outcome.checks, 'upload a voice clip: it is transcribed')[0]?.status).toBe('passed');
    expect(byTitle(outcome.checks, 'the escalation is visible to an admin')[0]).toMatchObject({ status: 'skipped' });
  });

  it('upstream-failure-500 fails the upstream-500 fault scenario at "never a 500", and no recovery is measured', async () => {
    const outcome = await runE2e('upstream-failure-500', 'suites/e2e/faults-upstream.test.ts', 'upstream answers 500');
    expect(outcome.status).toBe('failed');
    const failed = outcome.checks.filter((c) => c.status === 'failed' && !c.id.startsWith('e2e:gate:'));
    expect(failed.map((c) => c.title)).toEqual([expect.stringContaining('fault: the LLM upstream answers 500 > chat degrades: 201 with the fallback reply marked degraded, never a 500')]);
    expect(failed[0]?.message).toMatch(/answered 500 while the upstream answers 500/);
    // The other upstream scenarios were filtered out, not run.
    expect(byTitle(outcome.checks, 'never answers (timeout)').every((c) => c.status === 'skipped')).toBe(true);
    expect(outcome.gates).toEqual([expect.objectContaining({ name: 'e2e.recovery.max', actual: null, passed: false, message: 'not measured: no journey recorded this figure' })]);
  });

  it('driver-error-in-503: every step passes (the status is right), and the scan of every response finds the driver message in the 503', async () => {
    const outcome = await runE2e('driver-error-in-503', 'suites/e2e/faults-services.test.ts', 'Postgres restarts');
    expect(outcome.status).toBe('failed');
    const failed = outcome.checks.filter((c) => c.status === 'failed' && !c.id.startsWith('e2e:gate:'));
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.every((c) => c.id.startsWith('e2e:leak:'))).toBe(true);
    expect(failed.find((c) => c.id.endsWith(':a driver message'))).toMatchObject({ message: expect.stringMatching(/answered 503 with a driver message in its body .*\n.*ECONNREFUSED/s) });
  });
});
