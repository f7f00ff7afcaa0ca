import { appendFileSync } from 'node:fs';
import type { Reporter, TestCase } from 'vitest/node';

/** One line of the progress file: a test that started, or one that ended with its result. */
export type ProgressLine =
  | { event: 'start'; file: string; name: string }
  | { event: 'end'; file: string; name: string; state: 'passed' | 'failed' | 'skipped'; durationMs?: number; message?: string };

/** The env var through which a Gauntlet stage names the progress file. */
export const PROGRESS_ENV = 'GAUNTLET_PROGRESS_FILE';

/**
 * A vitest reporter that writes each test as it starts and as it ends, one JSON line at a time and
 * synchronously, to the file in $GAUNTLET_PROGRESS_FILE. JUnit XML is written only when the whole run
 * ends; when a stage's command is stopped (its timeout, a crash), this file still says what passed,
 * what failed, and which test was running. Add it beside the JUnit reporter:
 * `--reporter=gauntlet/vitest/reporter` (or its path). Without the env var it writes nothing.
 */
export default class ProgressReporter implements Reporter {
  private readonly file = process.env[PROGRESS_ENV];

  onTestCaseReady(testCase: TestCase): void {
    this.write({ event: 'start', file: testCase.module.relativeModuleId, name: testCase.fullName });
  }

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    if (result.state === 'pending') return;
    const message = result.state === 'failed' ? result.errors.map((e) => e.message).join('\n').slice(0, 4_000) : undefined;
    const durationMs = testCase.diagnostic()?.duration;
    this.write({ event: 'end', file: testCase.module.relativeModuleId, name: testCase.fullName, state: result.state, ...(durationMs !== undefined ? { durationMs: Math.round(durationMs) } : {}), ...(message ? { message } : {}) });
  }

  private write(line: ProgressLine): void {
    if (this.file) appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }
}
