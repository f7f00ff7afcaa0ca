import pg from 'pg';
import { dockerAvailable } from '../../src/environments/docker.ts';
import type { StartedEnvironment } from '../../src/environments/types.ts';

/** Runs one statement list on a fresh connection (errors after the statements are ignored: the server may stop). */
export async function sql<T extends pg.QueryResultRow>(url: string, ...statements: string[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    let rows: T[] = [];
    for (const statement of statements) rows = (await client.query<T>(statement)).rows;
    return rows;
  } finally {
    await client.end();
  }
}

/** Writes a row, stops and starts the environment's Postgres, and returns what is read back. */
export async function rowsAfterPostgresRestart(env: StartedEnvironment, value: number): Promise<unknown[]> {
  await sql(env.postgres.adminUrl, 'create table kept (v int)', `insert into kept values (${value})`);
  await env.services.postgres.stop();
  await env.services.postgres.start();
  return sql(env.postgres.adminUrl, 'select v from kept');
}

/** Whether Docker tests can run; when not, says so on stderr with the file and the fix. */
export async function dockerOrSay(file: string): Promise<boolean> {
  const docker = await dockerAvailable();
  if (!docker) {
    process.stderr.write(`SKIPPED ${file}: no Docker engine answers. Run \`eval "$(../shared/tools/docker-sandbox up)"\` (as root) or start Docker to run it.\n`);
  }
  return docker;
}
