import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import { runCommand } from '../../process/managed-process.ts';
import { readJUnit } from '../../results/junit-reader.ts';
import type { CheckResult } from '../../results/types.ts';
import type { Stage, StageContext, StageOutcome } from '../types.ts';

/**
 * Runs the target's own unit-test command (vitest, pytest, go test ...) inside the provisioned
 * environment and ingests the JUnit XML it writes. A fresh database clone is handed to it.
 */
export const unitStage: Stage = {
  name: 'unit',
  description: "the target's own unit tests, via its JUnit XML",
  async run(context: StageContext): Promise<StageOutcome> {
    const unit = context.config.stages.unit;
    if (!unit) return { status: 'skipped', reason: 'no stages.unit command in gauntlet.config.ts', checks: [] };
    const junitFile = path.resolve(unit.cwd, unit.junit);
    await rm(junitFile, { force: true });
    const clone = await context.database?.clone('unit');
    const names = context.config.target.env;
    let commandError: GauntletError | undefined;
    try {
      await runCommand({
        name: 'unit',
        what: 'The unit-test command',
        command: unit.command,
        cwd: unit.cwd,
        timeoutMs: unit.timeoutMs,
        env: {
          ...process.env,
          ...unit.env,
          ...(clone ? { [names.databaseUrl]: clone.url } : {}),
          [names.redisUrl]: context.environment.redis.url,
          GAUNTLET_TARGET_URL: context.target.url,
        },
      });
    } catch (error) {
      if (!(error instanceof GauntletError)) throw error;
      commandError = error; // failing tests exit non-zero: the JUnit file tells which
    } finally {
      await clone?.drop();
    }
    const xml = await readFile(junitFile, 'utf8').catch(() => undefined);
    if (xml === undefined) {
      const check: CheckResult = {
        id: 'unit:junit-report',
        stage: 'unit',
        title: `the unit command wrote ${unit.junit}`,
        status: 'failed',
        message: [commandError?.message ?? 'the command exited 0', `but ${junitFile} does not exist.`, ...(commandError?.detail ?? [])].join('\n'),
      };
      context.onCheck(check);
      return { status: 'failed', checks: [check] };
    }
    const checks = readJUnit(xml, 'unit');
    if (commandError && !checks.some((c) => c.status === 'failed')) {
      checks.push({ id: 'unit:exit-code', stage: 'unit', title: 'the unit command exits 0', status: 'failed', message: [commandError.message, ...commandError.detail].join('\n') });
    }
    if (checks.length === 0) {
      checks.push({ id: 'unit:ran-tests', stage: 'unit', title: 'the unit command ran at least one test', status: 'failed', message: `${junitFile} lists no testcase.` });
    }
    checks.forEach((c) => context.onCheck(c));
    return { status: checks.some((c) => c.status === 'failed') ? 'failed' : 'passed', checks, metrics: { tests: checks.length } };
  },
};
