import { spawn, type ChildProcess } from 'node:child_process';

import { GauntletError } from '../errors/gauntlet-error.ts';
import { logger } from '../log/logger.ts';
import { LogTail } from './log-tail.ts';
import { ledger } from '../reaper/ledger.ts';

const log = logger('process');

export interface ProcessOptions {
  name: string;
  /** argv array, or a string run through `sh -c`. */
  command: string | string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile?: string;
  /** Run as this uid/gid (only possible as root; used to run Postgres, which refuses root). */
  uid?: number;
  gid?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A child process in its own process group, so that stopping it also stops what it spawned
 * (`npm start` → node, `sh -c` → server) and a terminal's Ctrl-C reaches Gauntlet first,
 * which then tears down in order.
 */
export class ManagedProcess {
  readonly logs: LogTail;
  private readonly child: ChildProcess;
  private exitInfo: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;

  constructor(readonly options: ProcessOptions) {
    const [file, ...args] = typeof options.command === 'string' ? ['sh', '-c', options.command] : options.command;
    this.logs = new LogTail(50, options.logFile);
    log('spawn %s: %s (cwd %s)', options.name, [file, ...args].join(' '), options.cwd ?? process.cwd());
    this.child = spawn(file as string, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: options.uid,
      gid: options.gid,
    });
    // Recorded for the reaper until it exits (reaper/ledger.ts): a SIGKILLed run leaves no process behind.
    ledger.addProcess(this.child.pid, options.name);
    this.logs.attach(this.child.stdout);
    this.logs.attach(this.child.stderr);
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('error', (error) => {
        this.logs.push(`${error.message}\n`);
        this.exitInfo = { code: 127, signal: null };
        resolve(this.exitInfo);
      });
      this.child.once('exit', (code, signal) => {
        ledger.removeProcess(this.child.pid);
        this.exitInfo = { code, signal };
        log('%s exited (code %s, signal %s)', options.name, code, signal);
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Asks the process group to stop with `signal`, then kills it after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5_000): Promise<ExitInfo> {
    if (this.exitInfo) {
      this.killGroup('SIGKILL'); // leftovers of the group, if any
      await this.logs.close();
      return this.exitInfo;
    }
    this.killGroup(signal);
    const timer = setTimeout(() => {
      log('%s did not stop within %d ms after %s: SIGKILL', this.options.name, timeoutMs, signal);
      this.killGroup('SIGKILL');
    }, timeoutMs);
    const info = await this.exited;
    clearTimeout(timer);
    this.killGroup('SIGKILL');
    await this.logs.close();
    return info;
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is gone already
    }
  }
}

/** Runs a command to completion; throws GAUNTLET_COMMAND_FAILED with its last log lines when it fails. */
export async function runCommand(options: ProcessOptions & { timeoutMs: number; what: string }): Promise<void> {
  const proc = new ManagedProcess(options);
  const timer = setTimeout(() => void proc.stop('SIGTERM', 2_000), options.timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  await proc.stop();
  if (code === 0) return;
  const cmd = typeof options.command === 'string' ? options.command : options.command.join(' ');
  throw new GauntletError('GAUNTLET_COMMAND_FAILED', `${options.what} \`${cmd}\` failed (${signal ? `signal ${signal}` : `exit code ${code}`}).`, {
    detail: ['last output:', ...proc.logs.last(30)],
    fix: `Run the command yourself in ${options.cwd ?? process.cwd()} to see why; check its cwd and the env vars it reads.`,
  });
}

