import { readdir, readFile } from 'node:fs/promises';

/**
 * Memory and CPU of a process Gauntlet started, read from Linux's /proc. Gauntlet starts every target
 * in its own process group, so the figures cover the whole group: `npx tsx main.ts`, `uvicorn` with
 * its workers, `sh -c` wrappers. No library reads process groups from /proc (pidusage and
 * ps-list read one pid, or shell out to ps), and the format is two lines of parsing.
 */
export interface ProcessUsage {
  /** Resident memory of every process in the group, in bytes. */
  rssBytes: number;
  /** User plus system CPU time of every live process in the group, in seconds. */
  cpuSeconds: number;
  processes: number;
}

/** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

interface StatLine {
  pgrp: number;
  cpuTicks: number;
}

/** Fields of /proc/<pid>/stat after the command name, which is in parentheses and may hold spaces. */
export function parseStat(text: string): StatLine | undefined {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
  const pgrp = Number(rest[2]);
  const cpuTicks = Number(rest[11]) + Number(rest[12]);
  return Number.isFinite(pgrp) && Number.isFinite(cpuTicks) ? { pgrp, cpuTicks } : undefined;
}

/** VmRSS of /proc/<pid>/status, in bytes (0 for a zombie, which has none). */
export function parseVmRss(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Whether /proc can be read here (Linux): elsewhere process figures are skipped, saying so. */
export async function procAvailable(): Promise<boolean> {
  return readFile('/proc/self/stat', 'utf8').then(
    () => true,
    () => false,
  );
}

/** The usage of the process group led by `pid` now; undefined when no process of it is left. */
export async function processGroupUsage(pid: number): Promise<ProcessUsage | undefined> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  let rssBytes = 0;
  let ticks = 0;
  let processes = 0;
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const stat = parseStat(await readFile(`/proc/${name}/stat`, 'utf8').catch(() => ''));
        if (!stat || stat.pgrp !== pid) return;
        const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '');
        rssBytes += parseVmRss(status);
        ticks += stat.cpuTicks;
        processes++;
      }),
  );
  return processes === 0 ? undefined : { rssBytes, cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, processes };
}
