import { setTimeout as sleep } from 'node:timers/promises';
import { GauntletError } from '../errors/gauntlet-error.ts';
import type { ManagedProcess } from '../process/managed-process.ts';

export interface WaitOptions {
  /** What is awaited, for the error message: "Postgres on 127.0.0.1:5433". */
  what: string;
  /** Resolves true when ready; a throw counts as not ready (its message is kept for the error). */
  check: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
  /** The process behind it: its exit ends the wait early, and its last log lines go into the error. */
  process?: ManagedProcess;
  logLines?: number;
  /** What to do: a sentence, or one written from the last failed check (a health path that answers 404 wants another fix than a dead port). */
  fix?: string | ((lastFailure: string) => string);
}

function fixFor(options: WaitOptions, lastFailure: string): string | undefined {
  return typeof options.fix === 'function' ? options.fix(lastFailure) : options.fix;
}

/** Polls `check` until it is true. The error says how long it waited, the last failure and the last log lines. */
export async function waitFor(options: WaitOptions): Promise<number> {
  const started = performance.now();
  const interval = options.intervalMs ?? 50;
  let lastFailure = 'not ready';
  for (;;) {
    const status = options.process?.exitStatus;
    if (status) {
      throw new GauntletError(
        'GAUNTLET_TARGET_EXITED',
        `${options.what}: the process exited (${status.signal ? `signal ${status.signal}` : `exit code ${status.code}`}) after ${elapsed(started)} before it was ready.`,
        { detail: logDetail(options), fix: fixFor(options, lastFailure) ?? 'Read the log lines above; they usually name the missing setting or dependency.' },
      );
    }
    try {
      if (await options.check()) return performance.now() - started;
    } catch (error) {
      lastFailure = (error as Error).message || String(error);
    }
    if (performance.now() - started >= options.timeoutMs) {
      throw new GauntletError('GAUNTLET_WAIT_TIMEOUT', `${options.what} was not ready after ${elapsed(started)} (timeout ${options.timeoutMs} ms); last check: ${lastFailure}.`, {
        detail: logDetail(options),
        fix: fixFor(options, lastFailure) ?? 'Raise the timeout in gauntlet.config.ts if it is just slow, or read the log lines above.',
      });
    }
    await sleep(interval);
  }
}

function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

function logDetail(options: WaitOptions): string[] {
  if (!options.process) return [];
  const lines = options.process.logs.last(options.logLines ?? 50);
  return lines.length ? [`last ${lines.length} log lines of ${options.process.options.name}:`, ...lines.map((l) => `| ${l}`)] : [`${options.process.options.name} printed nothing.`];
}
