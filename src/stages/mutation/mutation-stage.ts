import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import { runCommand } from '../../process/managed-process.ts';
import type { CheckResult } from '../../results/types.ts';
import type { Stage, StageContext, StageOutcome } from '../types.ts';
import { readMutationReport } from './report.ts';

/** Survivors listed in the evidence (the HTML report shows them; the tool's own report has them all). */
const MAX_SURVIVORS = 200;

/**
 * Mutation testing: runs the configured mutation tool (Stryker for Node targets) with the started
 * environment in GAUNTLET_CONTEXT, and reads the mutation-testing-report-schema JSON it writes. The
 * score becomes `mutation.score` (gated by gates.mutation.score); survivors are the evidence.
 */
export const mutationStage: Stage = {
  name: 'mutation',
  description: 'mutation score of the target under the suites (Stryker or any tool writing the mutation-testing report schema)',
  async run(context: StageContext): Promise<StageOutcome> {
    const spec = context.config.stages.mutation;
    if (!spec) return { status: 'skipped', reason: 'no stages.mutation command in gauntlet.config.ts', checks: [] };
    const reportFile = path.resolve(spec.cwd, spec.report);
    await rm(reportFile, { force: true }); // a stale report must not pass for a fresh one
    await mkdir(path.dirname(reportFile), { recursive: true });
    const check = (result: Omit<CheckResult, 'stage'>): StageOutcome => {
      const c = { ...result, stage: 'mutation' };
      context.onCheck(c);
      return { status: c.status === 'failed' ? 'failed' : 'passed', checks: [c] };
    };
    const logFile = path.join(context.config.reportsDir, 'mutation.log');
    try {
      await runCommand({
        name: 'mutation',
        logFile,
        what: 'The mutation command (stages.mutation.command)',
        command: spec.command,
        cwd: spec.cwd,
        timeoutMs: spec.timeoutMs,
        env: { ...process.env, ...spec.env, GAUNTLET_CONTEXT: JSON.stringify(context.gauntlet) },
      });
    } catch (error) {
      if (!(error instanceof GauntletError)) throw error;
      return check({ id: 'mutation:command', title: 'the mutation command exits 0', status: 'failed', message: [error.message, `Its whole output: ${logFile}`, ...error.detail].join('\n') });
    }
    const text = await readFile(reportFile, 'utf8').catch(() => undefined);
    if (text === undefined) {
      return check({ id: 'mutation:report', title: `the mutation command wrote ${spec.report}`, status: 'failed', message: `${reportFile} does not exist: point stages.mutation.report at the JSON report the tool writes (Stryker: jsonReporter.fileName).` });
    }
    let summary;
    try {
      summary = readMutationReport(text);
    } catch (error) {
      return check({ id: 'mutation:report', title: `the mutation report ${spec.report} is readable`, status: 'failed', message: `${reportFile}: ${(error as Error).message}` });
    }
    if (summary.valid === 0) {
      return check({ id: 'mutation:score', title: 'the mutation run tested at least one mutant', status: 'failed', message: `${reportFile} has no valid mutant: check what the tool mutates (Stryker: mutate) and that its tests ran.` });
    }
    const { survivors, ...figures } = summary;
    const outcome = check({
      id: 'mutation:score',
      title: `mutation score ${summary.score}% (${summary.killed} killed, ${summary.timeout} timed out, ${summary.survived} survived, ${summary.noCoverage} not covered, of ${summary.valid})`,
      status: 'passed',
      evidence: { ...figures, survivors: survivors.slice(0, MAX_SURVIVORS), survivorsListed: Math.min(survivors.length, MAX_SURVIVORS), survivorsTotal: survivors.length, ...(spec.html ? { report: path.resolve(spec.cwd, spec.html) } : {}) },
    });
    return {
      ...outcome,
      metrics: { 'mutation.score': summary.score, 'mutation.scoreCovered': summary.scoreCovered, 'mutation.killed': summary.killed, 'mutation.survived': summary.survived, 'mutation.mutants': summary.valid },
    };
  },
};
