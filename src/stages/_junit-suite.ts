import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CommandSpec } from '../config/schema.ts';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { runCommand } from '../process/managed-process.ts';
import { readJUnit } from '../results/junit-reader.ts';
import type { CheckResult } from '../results/types.ts';

export interface SuiteSpec extends CommandSpec {
  /** JUnit XML the command writes, relative to its cwd. */
  junit: string;
}

/**
 * Runs a test command (vitest, pytest, go test ...) and turns the JUnit XML it writes into checks of
 * `stage`. A command that fails without a report, or reports no test, is a failed check: a suite
 * that cannot fail is not a check.
 */
export async function runJUnitSuite(stage: string, spec: SuiteSpec, env: NodeJS.ProcessEnv, alsoWrites: string[] = []): Promise<CheckResult[]> {
  const junitFile = path.resolve(spec.cwd, spec.junit);
  // Stale reports must not pass for fresh ones, and some reporters (node --test) do not create directories.
  for (const file of [junitFile, ...alsoWrites.map((f) => path.resolve(spec.cwd, f))]) {
    await rm(file, { force: true });
    await mkdir(path.dirname(file), { recursive: true });
  }
  let commandError: GauntletError | undefined;
  try {
    await runCommand({ name: stage, what: `The ${stage} test command`, command: spec.command, cwd: spec.cwd, timeoutMs: spec.timeoutMs, env: { ...process.env, ...spec.env, ...env } });
  } catch (error) {
    if (!(error instanceof GauntletError)) throw error;
    commandError = error; // failing tests exit non-zero: the JUnit file tells which
  }
  const xml = await readFile(junitFile, 'utf8').catch(() => undefined);
  if (xml === undefined) {
    return [{
      id: `${stage}:junit-report`,
      stage,
      title: `the ${stage} test command wrote ${spec.junit}`,
      status: 'failed',
      message: [commandError?.message ?? 'the command exited 0', `but ${junitFile} does not exist.`, ...(commandError?.detail ?? [])].join('\n'),
    }];
  }
  const checks = readJUnit(xml, stage);
  if (commandError && !checks.some((c) => c.status === 'failed')) {
    checks.push({ id: `${stage}:exit-code`, stage, title: `the ${stage} test command exits 0`, status: 'failed', message: [commandError.message, ...commandError.detail].join('\n') });
  }
  if (checks.length === 0) {
    checks.push({ id: `${stage}:ran-tests`, stage, title: `the ${stage} test command ran at least one test`, status: 'failed', message: `${junitFile} lists no testcase.` });
  }
  return checks;
}
