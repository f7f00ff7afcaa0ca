import { rm } from 'node:fs/promises';
import { ManagedProcess } from '../../process/managed-process.ts';
import { freePort } from '../../process/free-port.ts';
import { postgresAnswers } from '../../wait/services.ts';
import { waitFor } from '../../wait/wait-for.ts';
import type { PostgresEndpoint, RestartableService } from '../types.ts';
import { freshCluster, pristineCluster, resolvePostgresBinaries, type ClusterBinaries } from './postgres-cluster.ts';
import { ledger } from '../../reaper/ledger.ts';

export interface NativePostgresOptions {
  binDir: string | undefined;
  user: string;
  password: string;
  logFile?: string;
}

/** A Postgres server from local binaries: a fresh cluster in a temp dir, a free port, fsync off. */
export class NativePostgres implements RestartableService {
  private process: ManagedProcess | undefined;
  private cluster: { dir: string; data: string } | undefined;
  private bins: ClusterBinaries | undefined;
  private port = 0;

  constructor(private readonly options: NativePostgresOptions) {}

  async start(): Promise<void> {
    if (!this.cluster) {
      this.bins = await resolvePostgresBinaries(this.options.binDir);
      const pristine = await pristineCluster(this.bins, this.options.user);
      [this.cluster, this.port] = await Promise.all([freshCluster(this.bins, pristine), freePort()]);
    }
    const { data, dir } = this.cluster;
    const bins = this.bins as ClusterBinaries;
    this.process = new ManagedProcess({
      name: 'postgres',
      command: [bins.postgres, '-D', data, '-p', String(this.port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
        // Statements per request and their times, for the load stage (server-stats/postgres-stats.ts).
        ...(bins.statStatements ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=top'] : [])],
      uid: bins.runAs?.uid,
      gid: bins.runAs?.gid,
      logFile: this.options.logFile,
    });
    await waitFor({ what: `Postgres on 127.0.0.1:${this.port}`, check: () => postgresAnswers(this.endpoint.adminUrl), timeoutMs: 30_000, intervalMs: 25, process: this.process });
  }

  get endpoint(): PostgresEndpoint {
    const { user, password } = this.options;
    return {
      adminUrl: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/postgres`,
      host: '127.0.0.1',
      port: this.port,
      user,
      password,
    };
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get dir(): string | undefined {
    return this.cluster?.dir;
  }

  /** Fast shutdown (SIGINT); the cluster stays so start() brings the same data back. */
  async stop(): Promise<void> {
    await this.process?.stop('SIGINT', 10_000);
    this.process = undefined;
  }

  /** Safe to call twice at once (a failed start and a signal's cleanup both destroy). */
  async destroy(): Promise<void> {
    await this.stop();
    const cluster = this.cluster;
    this.cluster = undefined;
    if (cluster) {
      await rm(cluster.dir, { recursive: true, force: true });
      ledger.removeDir(cluster.dir);
    }
  }
}
