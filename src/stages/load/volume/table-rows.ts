import type pg from 'pg';

/** A table name as written in the config, quoted part by part (`Transactions` stays capitalised, `public.x` keeps its schema). */
export const quoted = (table: string) =>
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
  const { rows } = await client.query<{ n: string }>('select coalesce(sum(n_live_tup), 0) as n from pg_stat_user_tables where relid = any(array(select to_regclass(t) from unnest($1::text[]) t))', [tables.map(quoted)]);
  return Number(rows[0]?.n ?? 0);
}

/** ANALYZE, so the planner sees the size as production would (autovacuum may not have run yet). */
export async function analyze(client: pg.Client, tables: string[]): Promise<void> {
  for (const table of tables) await client.query(`analyze ${quoted(table)}`);
}

/** Tables that do not exist in the target's database: named in the error before anything is seeded. */
export async function missingTables(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ i: number }>('select i::int from unnest($1::text[]) with ordinality as x(t, i) where to_regclass(t) is null', [tables.map(quoted)]);
  return rows.map((r) => tables[r.i - 1] as string);
}
