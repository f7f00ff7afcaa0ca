import pg from 'pg';

/** One statement shape as pg_stat_statements aggregates it. */
export interface StatementStats {
  /** pg_stat_statements' queryid (with the user and database, the shape's key). */
  id: string;
  query: string;
  calls: number;
  meanMs: number;
  maxMs: number;
  totalMs: number;
  /** Rows the statement returned or changed, over all calls. */
  rows: number;
  /** Shared buffers it hit or read, over all calls: what a scan costs, independent of the machine's speed. */
  blocks: number;
}

export interface StatementTotals {
  /** Statements the target's database executed since the reset. */
  calls: number;
  /** The statement shapes, most total time first. */
  statements: StatementStats[];
}

/** The target database's connections at one moment (pg_stat_activity). */
export interface ConnectionFigures {
  total: number;
  /** Running a statement (waiting on a lock included). */
  active: number;
  /** Held by the client inside a transaction while the database waits for its next statement. */
  idleInTransaction: number;
  waitingOnLock: number;
}

/** What the Postgres side can be asked; `unavailable` says why statements cannot be counted. */
export type PostgresProbe = { available: true; stats: PostgresStats } | { available: false; reason: string };

/**
 * Reads the target database's side of a load run from the cluster: SQL statements per shape
 * (pg_stat_statements, which the clusters Gauntlet starts preload) and connections in use
 * (pg_stat_activity). Its own queries go to the maintenance database, so they are never counted.
 */
export class PostgresStats {
  private constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  /** Connects with the admin URL, checks pg_stat_statements is loaded, creates the extension and resets it. */
  static async open(adminUrl: string, database: string): Promise<PostgresProbe> {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ setting: string }>("select setting from pg_settings where name = 'shared_preload_libraries'");
      const preload = rows[0]?.setting ?? '';
      if (!preload.split(',').map((s) => s.trim()).includes('pg_stat_statements')) {
        await client.end();
        return {
          available: false,
          reason: `pg_stat_statements is not loaded in this Postgres (shared_preload_libraries = '${preload}'): start it with -c shared_preload_libraries=pg_stat_statements (Gauntlet's Testcontainers and compose environments do, and its native one when the server has the module: Debian's and Homebrew's postgresql packages ship it)`,
        };
      }
      await client.query('create extension if not exists pg_stat_statements');
      const stats = new PostgresStats(client, database);
      await stats.reset();
      return { available: true, stats };
    } catch (error) {
      await client.end().catch(() => undefined);
      return { available: false, reason: `the statement counts could not be read: ${(error as Error).message}` };
    }
  }

  async reset(): Promise<void> {
    await this.client.query('select pg_stat_statements_reset()');
  }

  /** Totals for the target's database since the last reset. Column names differ before Postgres 13 (total_time). */
  async totals(): Promise<StatementTotals> {
    const { rows } = await this.client.query<Record<string, unknown>>(
      'select s.* from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = $1',
      [this.database],
    );
    const statements = rows
      .map((r) => ({
        id: `${String(r.userid)}:${String(r.queryid)}`,
        query: String(r.query ?? ''),
        calls: Number(r.calls ?? 0),
        meanMs: Number(r.mean_exec_time ?? r.mean_time ?? 0),
        maxMs: Number(r.max_exec_time ?? r.max_time ?? 0),
        totalMs: Number(r.total_exec_time ?? r.total_time ?? 0),
        rows: Number(r.rows ?? 0),
        blocks: Number(r.shared_blks_hit ?? 0) + Number(r.shared_blks_read ?? 0),
      }))
      .sort((a, b) => b.totalMs - a.totalMs);
    return { calls: statements.reduce((sum, s) => sum + s.calls, 0), statements };
  }

  /**
   * Connections to the target's database now: all of them (the target's pool in use, and idle), those
   * running a statement, and those waiting for a lock (pg_stat_activity's wait events).
   */
  async connections(): Promise<ConnectionFigures> {
    const { rows } = await this.client.query<ConnectionFigures>(
      "select count(*)::int as total, (count(*) filter (where state = 'active'))::int as active, (count(*) filter (where state like 'idle in transaction%'))::int as \"idleInTransaction\", (count(*) filter (where wait_event_type = 'Lock'))::int as \"waitingOnLock\" from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [this.database],
    );
    return rows[0] ?? { total: 0, active: 0, idleInTransaction: 0, waitingOnLock: 0 };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** The database name of a Postgres URL. */
export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}
