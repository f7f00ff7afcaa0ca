import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CommandSpec } from '../config/schema.ts';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { runCommand } from '../process/managed-process.ts';
import { readJsonLines } from '../results/json-lines.ts';
import { readJUnit } from '../results/junit-reader.ts';
import type { CheckResult } from '../results/types.ts';
import { PROGRESS_ENV, type ProgressLine } from '../vitest/progress-reporter.ts';
import { expandOut, OUT_ENV, OUT_TOKEN, suiteOutDir, withOut } from './_suite-out.ts';

export interface SuiteSpec extends CommandSpec {
  /** JUnit XML the command writes, relative to its cwd (`{{out}}`: the run's own directory for it, see _suite-out.ts). */
  junit: string;
}

export interface SuiteOptions {
  /** What the stage hands the command on top of its own env (GAUNTLET_CONTEXT, a database URL …). */
  env: NodeJS.ProcessEnv;
  /** The run's reports directory: `{{out}}` in the spec becomes `<reportsDir>/suites/<stage>`. */
  reportsDir: string;
  /** Other files the command writes (a coverage report), removed first so a stale one never counts. */
  alsoWrites?: string[];
}

export interface SuiteResult {
  checks: CheckResult[];
  /** What `{{out}}` stood for in this run (`<reportsDir>/suites/<stage>`), for the files the stage reads after. */
  out: string;
  /** False when the command did not finish its run (stopped at its timeout, or crashed before writing JUnit): its figures are partial. */
  complete: boolean;
}

/**
 * Runs a test command (vitest, pytest, go test ...) and turns the JUnit XML it writes into checks of
 * `stage`. A command that fails without a report, or reports no test, is a failed check: a suite
 * that cannot fail is not a check.
 */
export async function runJUnitSuite(stage: string, given: SuiteSpec, options: SuiteOptions): Promise<SuiteResult> {
  const out = suiteOutDir(options.reportsDir, stage);
  const spec = withOut(given, out);
  const alsoWrites = (options.alsoWrites ?? []).map((f) => expandOut(f, out));
  const env = { ...options.env, [OUT_ENV]: out };
  await mkdir(out, { recursive: true });
  const junitFile = path.resolve(spec.cwd, spec.junit);
  // What a vitest command with Gauntlet's progress reporter writes as it goes (vitest/progress-reporter.ts).
  const progressFile = `${junitFile}.progress.jsonl`;
  // Stale reports must not pass for fresh ones, and some reporters (node --test) do not create directories.
  for (const file of [junitFile, progressFile, ...alsoWrites.map((f) => path.resolve(spec.cwd, f))]) {
    await rm(file, { force: true });
    await mkdir(path.dirname(file), { recursive: true });
  }
  let commandError: GauntletError | undefined;
  try {
    await runCommand({ name: stage, what: `The ${stage} test command`, command: spec.command, cwd: spec.cwd, timeoutMs: spec.timeoutMs, env: { ...process.env, ...spec.env, ...env, [PROGRESS_ENV]: progressFile } });
  } catch (error) {
    if (!(error instanceof GauntletError)) throw error;
    commandError = error; // failing tests exit non-zero: the JUnit file tells which
  }
  // An empty file is what vitest leaves when it is stopped before the end: no report either.
  const xml = await readFile(junitFile, 'utf8').then((text) => (text.trim() ? text : undefined), () => undefined);
  if (xml === undefined) {
    // A fixed path is shared by every run from this folder: one started meanwhile removes it first.
    const shared = given.junit.includes(OUT_TOKEN) ? [] : [`If another Gauntlet run from ${spec.cwd} was running meanwhile, it removed this run's report: write the report to {{out}} (junit: '{{out}}/junit.xml', and the same path in the command), a directory of each run's own.`];
    const progress = await readJsonLines<ProgressLine>(progressFile);
    if (progress.length) return { checks: interrupted(stage, progress, commandError, shared), complete: false, out };
    return {
      checks: [{
        id: `${stage}:junit-report`,
        stage,
        title: `the ${stage} test command wrote ${spec.junit}`,
        status: 'failed',
        message: [commandError?.message ?? 'the command exited 0', `but ${junitFile} does not exist.`, ...(commandError?.detail ?? []), ...shared].join('\n'),
      }],
      complete: false,
      out,
    };
  }
  const checks = readJUnit(xml, stage);
  if (commandError && !checks.some((c) => c.status === 'failed')) {
    checks.push({ id: `${stage}:exit-code`, stage, title: `the ${stage} test command exits 0`, status: 'failed', message: [commandError.message, ...commandError.detail].join('\n') });
  }
  if (checks.length === 0) {
    checks.push({ id: `${stage}:ran-tests`, stage, title: `the ${stage} test command ran at least one test`, status: 'failed', message: `${junitFile} lists no testcase.` });
  }
  return { checks, complete: true, out };
}

/**
 * A run that was stopped before it wrote JUnit: every test that finished is a check as JUnit would
 * have named it (id `<stage>:<file>:<full name>`), and one failed check says that the run did not
 * finish and which tests were still running.
 */
function interrupted(stage: string, progress: ProgressLine[], commandError: GauntletError | undefined, hints: string[]): CheckResult[] {
  const ended = progress.filter((p) => p.event === 'end');
  const key = (p: ProgressLine) => `${p.file}\u0000${p.name}`;
  const done = new Set(ended.map(key));
  const running = progress.filter((p) => p.event === 'start' && !done.has(key(p)));
  const checks: CheckResult[] = ended.map((p) => ({
    id: `${stage}:${p.file}:${p.name}`,
    stage,
    title: `${p.file} › ${p.name}`,
    status: p.state,
    ...(p.message ? { message: p.message } : {}),
    ...(p.durationMs !== undefined ? { durationMs: p.durationMs } : {}),
  }));
  checks.push({
    id: `${stage}:interrupted`,
    stage,
    title: `the ${stage} test command finishes its run`,
    status: 'failed',
    message: [
      `the ${stage} test command did not finish: ${commandError?.message.split('\n')[0] ?? 'it wrote no JUnit report'}`,
      `${ended.length} test(s) finished and are reported above; ${running.length ? `still running when it stopped: ${running.map((p) => `${p.file} › ${p.name}`).join('; ')}` : 'none was running when it stopped'}.`,
      ...hints,
    ].join('\n'),
  });
  return checks;
}
