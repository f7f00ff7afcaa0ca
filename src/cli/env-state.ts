import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EnvironmentState } from '../environments/types.ts';
import type { GauntletContext } from '../provision/stack.ts';
import { removeLeftovers } from '../reaper/leftovers.ts';

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

/**
 * Removes whatever an env file lists: used when the `env up` process is gone (SIGKILL, crash) or did
 * not stop in time. The env file knows pids without their start times; the pids are only killed
 * while they still exist, as before (`env down` right after the death: a reuse is unlikely).
 */
export function removeEnvLeftovers(file: EnvFile): Promise<string[]> {
  const pids = [file.targetPid, ...file.state.pids].filter((p): p is number => p !== null);
  return removeLeftovers({
    processes: pids.map((pid) => ({ pid, start: undefined, name: pid === file.targetPid ? 'the target' : 'a service' })),
    containers: file.state.containers,
    composeProjects: file.state.composeProject ? [file.state.composeProject] : [],
    dirs: file.state.dirs,
  });
}
