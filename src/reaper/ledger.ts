import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processStart } from './proc.ts';

/** One thing a run started that must not outlive it. */
export interface RunRecord {
  /** The Gauntlet process (gauntlet run, env up) and its start time: together they name it for good. */
  pid: number;
  start: string | undefined;
  command: string;
  startedAt: string;
  /** Process groups (every ManagedProcess leads its own): killed as a group. */
  processes: { pid: number; start: string | undefined; name: string }[];
  containers: string[];
  /** Set once the run uses Docker: the value of the `gauntlet.run` label on every container it creates (a container killed mid-start has no id yet). */
  dockerLabel?: string;
  composeProjects: { file: string; project: string }[];
  dirs: string[];
}

/** Where runs keep their records: one file per live run. GAUNTLET_RUNS_DIR moves it (tests). */
export function runsDir(): string {
  return process.env.GAUNTLET_RUNS_DIR ?? path.join(os.tmpdir(), 'gauntlet-runs');
}

/**
 * What this process has started, kept on disk while a run lasts so that a reaper can undo it when
 * the process dies without cleaning up (SIGKILL, OOM, a CI runner's timeout). Every ManagedProcess,
 * temp directory, container and compose project is recorded here the moment it exists and dropped
 * when it is gone. Until `open()` (the CLI's run and env up) it only keeps the record in memory.
 */
class Ledger {
  private file: string | undefined;
  private readonly record: RunRecord = { pid: process.pid, start: processStart(process.pid), command: '', startedAt: new Date().toISOString(), processes: [], containers: [], composeProjects: [], dirs: [] };

  /** Starts keeping the record on disk; returns its path. */
  open(command: string): string {
    const dir = runsDir();
    mkdirSync(dir, { recursive: true });
    this.record.command = command;
    this.file = path.join(dir, `${process.pid}.json`);
    this.flush();
    return this.file;
  }

  /** The run ended and undid what it started: nothing left to reap. */
  close(): void {
    if (this.file) rmSync(this.file, { force: true });
    this.file = undefined;
  }

  get path(): string | undefined {
    return this.file;
  }

  addProcess(pid: number | undefined, name: string): void {
    if (pid === undefined) return;
    this.record.processes.push({ pid, start: processStart(pid), name });
    this.flush();
  }

  removeProcess(pid: number | undefined): void {
    this.update(() => (this.record.processes = this.record.processes.filter((p) => p.pid !== pid)));
  }

  /** The label value for this run's containers (`gauntlet.run=<value>`), recorded so the reaper can find them by it. */
  dockerLabel(): string {
    if (!this.record.dockerLabel) this.update(() => (this.record.dockerLabel = `${process.pid}-${this.record.start ?? Date.now()}`));
    return this.record.dockerLabel as string;
  }

  addContainer(id: string): void {
    this.update(() => this.record.containers.push(id));
  }

  removeContainer(id: string): void {
    this.update(() => (this.record.containers = this.record.containers.filter((c) => c !== id)));
  }

  addComposeProject(file: string, project: string): void {
    this.update(() => this.record.composeProjects.push({ file, project }));
  }

  removeComposeProject(project: string): void {
    this.update(() => (this.record.composeProjects = this.record.composeProjects.filter((c) => c.project !== project)));
  }

  addDir(dir: string): void {
    this.update(() => this.record.dirs.push(dir));
  }

  removeDir(dir: string): void {
    this.update(() => (this.record.dirs = this.record.dirs.filter((d) => d !== dir)));
  }

  private update(change: () => unknown): void {
    change();
    this.flush();
  }

  /** Written whole and renamed into place: a reaper never reads half a record. */
  private flush(): void {
    if (!this.file) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.record));
    renameSync(tmp, this.file);
  }
}

export const ledger = new Ledger();
