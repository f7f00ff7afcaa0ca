import { logger } from '../log/logger.ts';
import { ledger } from '../reaper/ledger.ts';

const log = logger('process');

type Cleanup = () => Promise<void>;

/**
 * Everything a run started registers how to undo itself here. On SIGINT/SIGTERM the handlers run
 * in reverse order (target before databases), then the process exits 130/143. Normal ends call
 * the handlers' owners directly (in `finally`), which also unregisters them.
 */
const cleanups = new Map<symbol, { name: string; fn: Cleanup }>();
let signalsInstalled = false;
let shuttingDown: Promise<void> | undefined;
let stoppedBy: NodeJS.Signals | undefined;

const interruptHooks: (() => void)[] = [];

/**
 * Runs first when a signal comes, before any cleanup: the HTTP client drops its connections here,
 * so that a target's graceful stop does not wait out its keep-alive timeout on them.
 */
export function onInterrupt(fn: () => void): void {
  interruptHooks.push(fn);
}

/** The signal that is stopping this run, once one came: what fails after it is the stop, not the target. */
export function interruptedBy(): NodeJS.Signals | undefined {
  return stoppedBy;
}

export function registerCleanup(name: string, fn: Cleanup): () => void {
  installSignalHandlers();
  const key = Symbol(name);
  cleanups.set(key, { name, fn });
  return () => cleanups.delete(key);
}

/** Runs every registered cleanup; true when all succeeded. */
export async function runAllCleanups(): Promise<boolean> {
  const entries = [...cleanups.entries()].reverse();
  cleanups.clear();
  let all = true;
  for (const [, { name, fn }] of entries) {
    try {
      log('cleanup: %s', name);
      await fn();
    } catch (error) {
      all = false;
      process.stderr.write(`gauntlet: cleanup of ${name} failed: ${(error as Error).message}\n`);
    }
  }
  return all;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** The exit code of a run the signal stopped (128 + its number), as the shell reports it. */
export function signalExitCode(signal: NodeJS.Signals): 129 | 130 | 143 | 2 {
  return (SIGNAL_EXIT as Record<string, 129 | 130 | 143>)[signal] ?? 2;
}

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, code] of Object.entries(SIGNAL_EXIT) as [keyof typeof SIGNAL_EXIT, number][]) {
    process.on(signal, () => {
      if (shuttingDown) return; // a second Ctrl-C while tearing down: keep tearing down
      stoppedBy = signal;
      for (const hook of interruptHooks) {
        try {
          hook();
        } catch (error) {
          log('interrupt hook: %s', (error as Error).message);
        }
      }
      process.stderr.write(`\ngauntlet: ${signal} received, stopping everything this run started…\n`);
      // Work still in flight fails as its target and services go away: expected now, and never
      // allowed to end the process before the cleanups have run (or to change its exit code).
      const expected = (error: unknown) => log('after %s: %s', signal, (error as Error)?.message ?? String(error));
      process.on('unhandledRejection', expected);
      process.on('uncaughtException', expected);
      // When a cleanup failed, the run's record stays: its watchdog removes the rest once we exit.
      shuttingDown = runAllCleanups()
        .then((all) => {
          if (all) ledger.close();
        })
        .finally(() => process.exit(code));
    });
  }
}
