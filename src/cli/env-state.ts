import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { EnvironmentState } from '../environments/types.ts';
import type { GauntletContext } from '../provision/stack.ts';

const exec = promisify(execFile);

/** What `gauntlet env up` leaves in .gauntlet/env.json so that `env down` can find and remove it. */
export interface EnvFile {
  pid: number;
  startedAt: string;
  state: EnvironmentState;
  targetPid: number | null;
  context: GauntletContext;
}

export function envFilePath(rootDir: string): string {
  return path.join(rootDir, '.gauntlet', 'env.json');
}

export async function writeEnvFile(rootDir: string, content: EnvFile): Promise<void> {
  await mkdir(path.dirname(envFilePath(rootDir)), { recursive: true });
  await writeFile(envFilePath(rootDir), `${JSON.stringify(content, null, 2)}\n`);
}

export async function readEnvFile(rootDir: string): Promise<EnvFile | undefined> {
  const file = envFilePath(rootDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as EnvFile;
}

export async function removeEnvFile(rootDir: string): Promise<void> {
  await rm(envFilePath(rootDir), { force: true });
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

/** Waits until `pid` is gone; returns false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/**
 * Removes whatever an env file lists: used when the `env up` process is gone (SIGKILL, crash) or did
 * not stop in time. Process groups are killed, containers removed, the compose project brought down.
 */
export async function removeLeftovers(file: EnvFile): Promise<string[]> {
  const done: string[] = [];
  const pids = [file.targetPid, ...file.state.pids].filter((p): p is number => p !== null && isAlive(p));
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
        done.push(`killed process ${pid}`);
        break;
      } catch {
        // already gone
      }
    }
  }
  await Promise.all(pids.map((pid) => waitForExit(pid, 5_000)));
  for (const id of file.state.containers) {
    await exec('docker', ['rm', '-f', '-v', id]).then(
      () => done.push(`removed container ${id.slice(0, 12)}`),
      () => undefined,
    );
  }
  if (file.state.composeProject) {
    const { file: composeFile, project } = file.state.composeProject;
    await exec('docker', ['compose', '-f', composeFile, '-p', project, 'down', '-v', '--remove-orphans']).then(
      () => done.push(`brought down compose project ${project}`),
      () => undefined,
    );
  }
  for (const dir of file.state.dirs) {
    if (existsSync(dir)) {
      await rm(dir, { recursive: true, force: true });
      done.push(`removed ${dir}`);
    }
  }
  return done;
}
