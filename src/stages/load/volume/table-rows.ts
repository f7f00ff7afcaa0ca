import type pg from 'pg';

const quoted = (table: string) =>
  table
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');

/** The rows `tables` hold together, counted exactly (once a size is seeded). */
export async function countRows(client: pg.Client, tables: string[]): Promise<number> {
  let total = 0;
  for (const table of tables) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quoted(table)}`);
    total += Number(rows[0]?.n ?? 0);
  }
  return total;
}

/** The statistics' live rows of `tables` (cheap: for the progress bar while a size is seeded). */
export async function liveRows(client: pg.Client, tables: string[]): Promise<number> {
  const { rows } = await client.query<{ n: string }>('select coalesce(sum(n_live_tup), 0) as n from pg_stat_user_tables where relid = any(array(select to_regclass(t) from unnest($1::text[]) t))', [tables]);
  return Number(rows[0]?.n ?? 0);
}

/** ANALYZE, so the planner sees the size as production would (autovacuum may not have run yet). */
export async function analyze(client: pg.Client, tables: string[]): Promise<void> {
  for (const table of tables) await client.query(`analyze ${quoted(table)}`);
}

/** Tables that do not exist in the target's database: named in the error before anything is seeded. */
export async function missingTables(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ t: string }>('select t from unnest($1::text[]) t where to_regclass(t) is null', [tables]);
  return rows.map((r) => r.t);
}
