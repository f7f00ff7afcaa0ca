import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { ManagedProcess } from '../../process/managed-process.ts';
import { freePort } from '../../process/free-port.ts';
import { scratchDir } from '../../process/scratch-dir.ts';
import { redisAnswers } from '../../wait/services.ts';
import { waitFor } from '../../wait/wait-for.ts';
import type { RedisEndpoint, RestartableService } from '../types.ts';
import { REDIS_INSTALL_HINT, requireBinary } from './binaries.ts';
import { ledger } from '../../reaper/ledger.ts';

/** A redis-server from the local binary: free port, loopback only, no persistence. */
export class NativeRedis implements RestartableService {
  private process: ManagedProcess | undefined;
  private port = 0;
  private workDir: string | undefined;

  constructor(private readonly options: { binary: string; logFile?: string }) {}

  async start(): Promise<void> {
    const binary = path.isAbsolute(this.options.binary) ? this.options.binary : requireBinary(this.options.binary, REDIS_INSTALL_HINT);
    if (!this.workDir) {
      [this.workDir, this.port] = await Promise.all([mkdtemp(path.join(scratchDir(), 'gauntlet-redis-')), freePort()]);
      ledger.addDir(this.workDir);
    }
    this.process = new ManagedProcess({
      name: 'redis',
      command: [binary, '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.workDir, '--daemonize', 'no', '--protected-mode', 'no'],
      logFile: this.options.logFile,
    });
    await waitFor({ what: `Redis on 127.0.0.1:${this.port}`, check: () => redisAnswers(this.endpoint.url), timeoutMs: 15_000, intervalMs: 20, process: this.process });
  }

  get endpoint(): RedisEndpoint {
    return { url: `redis://127.0.0.1:${this.port}`, host: '127.0.0.1', port: this.port };
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get dir(): string | undefined {
    return this.workDir;
  }

  async stop(): Promise<void> {
    await this.process?.stop('SIGTERM', 5_000);
    this.process = undefined;
  }

  /** Safe to call twice at once (a failed start and a signal's cleanup both destroy). */
  async destroy(): Promise<void> {
    await this.stop();
    const workDir = this.workDir;
    this.workDir = undefined;
    if (workDir) {
      await rm(workDir, { recursive: true, force: true });
      ledger.removeDir(workDir);
    }
  }
}
