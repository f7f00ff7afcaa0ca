import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RunRecord } from './ledger.ts';
import { isSameProcessAlive, waitForExit } from './proc.ts';

const exec = promisify(execFile);

/**
 * Removes what a run's record lists: process groups killed (only while the recorded process, pid
 * and start time, still runs: a reused pid is someone else's), containers removed, compose projects
 * brought down, temp directories deleted. Returns what it did, for the caller to say.
 */
export async function removeLeftovers(record: Pick<RunRecord, 'processes' | 'containers' | 'composeProjects' | 'dirs' | 'dockerLabel'>): Promise<string[]> {
  const done: string[] = [];
  const alive = record.processes.filter((p) => isSameProcessAlive(p.pid, p.start));
  for (const { pid, name } of alive) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
        done.push(`killed ${name} (process ${pid})`);
        break;
      } catch {
        // no such group (or already gone): try the process itself
      }
    }
  }
  await Promise.all(alive.map(({ pid }) => waitForExit(pid, 5_000)));
  const labelled = record.dockerLabel
    ? await exec('docker', ['ps', '-aq', '--filter', `label=gauntlet.run=${record.dockerLabel}`]).then(
        ({ stdout }) => stdout.split('\n').filter(Boolean),
        () => [],
      )
    : [];
  for (const id of new Set([...record.containers, ...labelled])) {
    await exec('docker', ['rm', '-f', '-v', id]).then(
      () => done.push(`removed container ${id.slice(0, 12)}`),
      () => undefined,
    );
  }
  for (const { file, project } of record.composeProjects) {
    await exec('docker', ['compose', '-f', file, '-p', project, 'down', '-v', '--remove-orphans', '-t', '0']).then(
      () => done.push(`brought down compose project ${project}`),
      () => undefined,
    );
  }
  for (const dir of record.dirs) {
    if (existsSync(dir)) {
      await rm(dir, { recursive: true, force: true });
      done.push(`removed ${dir}`);
    }
  }
  return done;
}
