import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * When `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat): with the pid it names
 * one process for good, so a pid the kernel has since given to another process is never taken for
 * the one recorded. Undefined without /proc (macOS) or when the process is gone.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True while `pid` runs. A zombie (exited, not yet reaped by its new parent) holds nothing and counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) said it exists
  }
}

/** True while the process recorded as (pid, start) runs: the same pid with another start time is another process. */
export function isSameProcessAlive(pid: number, start: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  return start === undefined || processStart(pid) === undefined || processStart(pid) === start;
}

/** Waits until `pid` is gone; returns false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}
