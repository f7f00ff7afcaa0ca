import { runJUnitSuite } from '../_junit-suite.ts';
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
    let checks;
    try {
      checks = await runJUnitSuite('unit', unit, {
        ...(clone ? { [names.databaseUrl]: clone.url } : {}),
        [names.redisUrl]: context.environment.redis.url,
        GAUNTLET_TARGET_URL: context.target.url,
      });
    } finally {
      await clone?.drop();
    }
    checks.forEach((c) => context.onCheck(c));
    return { status: checks.some((c) => c.status === 'failed') ? 'failed' : 'passed', checks, metrics: { tests: checks.length } };
  },
};
