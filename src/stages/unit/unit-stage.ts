import path from 'node:path';
import { coverageMetrics, readCoverageReport } from '../../coverage/read-report.ts';
import { databaseUrlEnv } from '../../database/database-manager.ts';
import { runJUnitSuite } from '../_junit-suite.ts';
import { expandOut } from '../_suite-out.ts';
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
    const clone = await context.database?.clone('unit');
    const names = context.config.target.env;
    let suite;
    try {
      suite = await runJUnitSuite('unit', unit, {
        env: {
          ...(clone ? databaseUrlEnv(names, clone.url) : {}),
          [names.redisUrl]: context.environment.redis.url,
          GAUNTLET_TARGET_URL: context.target.url,
        },
        reportsDir: context.config.reportsDir,
        alsoWrites: unit.coverage ? [unit.coverage.file] : [],
      });
    } finally {
      await clone?.drop();
    }
    const { checks } = suite;
    const metrics: Record<string, number> = { tests: checks.length };
    if (unit.coverage && !suite.complete) {
      // Figures from a run that did not finish are partial: the coverage gate gets none to pass on.
      checks.push({ id: 'unit:coverage', stage: 'unit', title: 'code coverage', status: 'failed', message: 'not measured: the unit test command did not finish its run, so its coverage report is partial or missing' });
    } else if (unit.coverage) {
      // Read after the command: the figures become metrics, gated by gates.coverage.
      const { file, format, exclude } = unit.coverage;
      const check = await readCoverageReport({ id: 'unit:coverage', stage: 'unit', file: path.resolve(unit.cwd, expandOut(file, suite.out)), format, exclude, fix: 'check stages.unit.coverage.file and that the command writes it (e.g. --cov-report=xml, --test-reporter=lcov)' });
      checks.push(check.result);
      if (check.summary) Object.assign(metrics, coverageMetrics(check.summary));
    }
    checks.forEach((c) => context.onCheck(c));
    return { status: checks.some((c) => c.status === 'failed') ? 'failed' : 'passed', checks, metrics };
  },
};
