import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { logger } from '../log/logger.ts';
import type { RunRecord } from './ledger.ts';
import { removeLeftovers } from './leftovers.ts';
import { isAlive, isSameProcessAlive } from './proc.ts';
import { runsDir } from './ledger.ts';

const log = logger('reaper');

/**
 * Takes a dead run's record for reaping: renamed to `<pid>.json.reaping-<our pid>`, so that of a
 * watchdog and a sweeping run (or two sweeps) exactly one reaps it. Undefined when another got there first.
 */
function claim(file: string): string | undefined {
  const claimed = `${file}.reaping-${process.pid}`;
  try {
    renameSync(file, claimed);
    return claimed;
  } catch {
    return undefined;
  }
}

/** Reaps one record file whose run is gone; returns what was removed. */
export async function reap(file: string): Promise<string[]> {
  const claimed = claim(file);
  if (!claimed) return [];
  try {
    const record = JSON.parse(readFileSync(claimed, 'utf8')) as RunRecord;
    const done = await removeLeftovers(record);
    if (done.length) log('reaped run %d (%s): %s', record.pid, record.command, done.join(', '));
    return done;
  } catch (error) {
    log('could not reap %s: %s', file, (error as Error).message);
    return [];
  } finally {
    rmSync(claimed, { force: true });
  }
}

/** Whether the run that wrote this record still runs (its pid, with the same start time). */
export function runAlive(file: string): boolean {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    return isSameProcessAlive(record.pid, record.start);
  } catch {
    return existsSync(file); // being rewritten: the run lives
  }
}

/**
 * Removes whatever dead runs on this machine left behind: every record whose Gauntlet process is
 * gone, and records a reaper claimed and then died on. Called at the start of every run and by
 * `gauntlet env down`; a run's own watchdog normally got there first.
 */
export async function sweepDeadRuns(): Promise<string[]> {
  const dir = runsDir();
  if (!existsSync(dir)) return [];
  const done: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const reaping = /\.json\.reaping-(\d+)$/.exec(name);
    if (reaping) {
      // A reaper that died mid-way: hand the record back and reap it.
      if (!isAlive(Number(reaping[1]))) {
        const original = file.slice(0, file.lastIndexOf('.reaping-'));
        try {
          renameSync(file, original);
          done.push(...(await reap(original)));
        } catch {
          // taken meanwhile
        }
      }
      continue;
    }
    if (name.endsWith('.json') && !runAlive(file)) done.push(...(await reap(file)));
  }
  return done;
}
