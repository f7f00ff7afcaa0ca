import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readCobertura } from '../../coverage/cobertura.ts';
import { readLcov } from '../../coverage/lcov.ts';
import { summarise, type CoverageSummary } from '../../coverage/types.ts';
import type { CheckResult } from '../../results/types.ts';
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
      }, unit.coverage ? [unit.coverage.file] : []);
    } finally {
      await clone?.drop();
    }
    const metrics: Record<string, number> = { tests: checks.length };
    if (unit.coverage) {
      const check = await coverageCheck(unit.coverage, unit.cwd);
      checks.push(check.result);
      if (check.summary) Object.assign(metrics, { 'coverage.lines': check.summary.lines, 'coverage.branches': check.summary.branches, 'coverage.functions': check.summary.functions });
    }
    checks.forEach((c) => context.onCheck(c));
    return { status: checks.some((c) => c.status === 'failed') ? 'failed' : 'passed', checks, metrics };
  },
};

/** Reads the coverage report the unit command wrote; the figures become metrics (gated by gates.coverage). */
async function coverageCheck(spec: { file: string; format: 'lcov' | 'cobertura'; exclude: string[] }, cwd: string): Promise<{ result: CheckResult; summary?: CoverageSummary }> {
  const file = path.resolve(cwd, spec.file);
  const id = 'unit:coverage';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { result: { id, stage: 'unit', title: `the unit command writes its ${spec.format} coverage report`, status: 'failed', message: `no coverage report at ${file}: check stages.unit.coverage.file and that the command writes it (e.g. --cov-report=xml, --test-reporter=lcov)` } };
  }
  try {
    const files = spec.format === 'lcov' ? await readLcov(text) : readCobertura(text);
    const summary = summarise(files, spec.exclude);
    return {
      summary,
      result: {
        id,
        stage: 'unit',
        title: `code coverage (${spec.format}): ${summary.lines}% of lines, ${summary.branches}% of branches, ${summary.functions}% of functions in ${summary.files.length} files`,
        status: 'passed',
        evidence: { files: summary.files.map((f) => ({ file: f.file, lines: f.lines, branches: f.branches, functions: f.functions })) },
      },
    };
  } catch (error) {
    return { result: { id, stage: 'unit', title: `the unit command writes its ${spec.format} coverage report`, status: 'failed', message: `${file}: ${(error as Error).message}` } };
  }
}
