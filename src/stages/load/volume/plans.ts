import pg from 'pg';
import type { CheckResult } from '../../../results/types.ts';
import type { StatementStats } from '../../../server-stats/postgres-stats.ts';

/** A sequential scan found in a statement's plan. */
export interface SeqScan {
  table: string;
  /** The table's rows as the planner knows them (pg_class.reltuples, after ANALYZE). */
  rows: number;
  /** Columns the scan filters on, in the order the filter names them. */
  columns: string[];
  filter: string | undefined;
  query: string;
}

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  Schema?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** Every Seq Scan node of a plan (EXPLAIN (FORMAT JSON)'s tree), depth first. */
export function seqScansOf(plan: PlanNode): PlanNode[] {
  const own = plan['Node Type'] === 'Seq Scan' ? [plan] : [];
  return [...own, ...(plan.Plans ?? []).flatMap(seqScansOf)];
}

/**
 * The columns a filter compares, e.g. `((conversation_id = $1) AND (role = 'user'::text))` →
 * conversation_id, role. Qualifiers and casts are dropped; literals and parameters are not columns.
 */
export function filterColumns(filter: string | undefined): string[] {
  if (!filter) return [];
  const found: string[] = [];
  // A column (maybe qualified, quoted, parenthesised and cast, as `((user_id)::text = $1)`) before a comparison operator.
  const pattern = /(?:^|[(\s])(?:[a-z_][a-z0-9_]*\.)?"?([a-z_][a-z0-9_]*)"?\)?(?:::[a-z ]+?)?\s*(?:=|<>|!=|<=|>=|<|>|~~\*?|!~~\*?|\bIS\b|\bIN\b|= ANY)/gi;
  // A parameter or a literal compared with a column (`($1 = account_id)`, as a join written backwards leaves it).
  const reversed = /(?:\$\d+|'[^']*'(?:::[a-z ]+?)?|\b\d+)\s*(?:=|<>|!=|<=|>=|<|>)\s*\(?(?:[a-z_][a-z0-9_]*\.)?"?([a-z_][a-z0-9_]*)"?/gi;
  const matches = [...filter.matchAll(pattern), ...filter.matchAll(reversed)].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  for (const match of matches) {
    const column = match[1] as string;
    if (!/^(and|or|not|null|true|false)$/i.test(column) && !found.includes(column)) found.push(column);
  }
  return found;
}

const short = (query: string) => {
  const one = query.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 157)}…` : one;
};

/**
 * The generic plan of each statement (the plan for any parameters: `plan_cache_mode =
 * force_generic_plan`, PREPARE, EXPLAIN EXECUTE with NULLs). EXPLAIN without ANALYZE runs nothing,
 * so a write's plan is safe to read. A statement that cannot be prepared alone (a DDL, a type the
 * planner cannot infer) is left out, with the reason.
 */
export async function seqScansIn(databaseUrl: string, statements: StatementStats[]): Promise<{ scans: SeqScan[]; unexplained: string[] }> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  const scans: SeqScan[] = [];
  const unexplained: string[] = [];
  try {
    await client.query("set plan_cache_mode = 'force_generic_plan'");
    for (const statement of statements) {
      if (!/^\s*(select|with|update|delete)\b/i.test(statement.query)) continue;
      const parameters = Math.max(0, ...[...statement.query.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
      try {
        await client.query(`prepare gauntlet_plan as ${statement.query}`);
        const nulls = parameters ? `(${Array.from({ length: parameters }, () => 'null').join(', ')})` : '';
        const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) execute gauntlet_plan${nulls}`);
        for (const node of seqScansOf(rows[0]?.['QUERY PLAN'][0].Plan ?? {})) {
          const table = node['Relation Name'] as string;
          const qualified = node.Schema && node.Schema !== 'public' ? `${node.Schema}.${table}` : table;
          const { rows: sized } = await client.query<{ n: number }>('select greatest(reltuples, 0)::float8 as n from pg_class where oid = to_regclass($1)', [qualified]);
          scans.push({ table: qualified, rows: Number(sized[0]?.n ?? 0), columns: filterColumns(node.Filter), filter: node.Filter, query: statement.query });
        }
      } catch (error) {
        unexplained.push(`\`${short(statement.query)}\`: ${(error as Error).message}`);
      } finally {
        await client.query('deallocate all').catch(() => undefined);
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return { scans, unexplained };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * `load:plan:<table>(<columns>)`: a sequential scan on a table above `seqScanRows` rows in the plan
 * of a statement the load ran, naming the filter and the index that would serve it. One check per
 * table and columns; without any, one passing `load:plans` names how many statements were read.
 */
export function planChecks(found: { scans: SeqScan[]; unexplained: string[] }, explained: number, seqScanRows: number): CheckResult[] {
  const large = found.scans.filter((s) => s.rows > seqScanRows);
  const byKey = new Map<string, SeqScan[]>();
  for (const scan of large) {
    const key = scan.columns.length ? `${scan.table}(${scan.columns.join(',')})` : scan.table;
    byKey.set(key, [...(byKey.get(key) ?? []), scan]);
  }
  const note = found.unexplained.length ? `\nnot explained: ${found.unexplained.slice(0, 5).join('; ')}` : '';
  if (byKey.size === 0) {
    return [{ id: 'load:plans', stage: 'load', title: `no sequential scan on a table above ${fmt(seqScanRows)} rows in the plans of the load's statements`, status: 'passed', message: `${explained} statement plans read at the largest size${found.scans.length ? `; sequential scans only on small tables (${[...new Set(found.scans.map((s) => `${s.table}: ${fmt(s.rows)} rows`))].join(', ')})` : ''}${note}` }];
  }
  return [...byKey.entries()].map(([key, scans]) => {
    const scan = scans[0] as SeqScan;
    const index = scan.columns.length ? `an index on ${scan.table} (${scan.columns.join(', ')}) would serve it` : 'it filters on nothing the plan names: the query reads the whole table (add a WHERE or a LIMIT an index can serve)';
    return {
      id: `load:plan:${key}`,
      stage: 'load',
      title: `no sequential scan on ${scan.table} (above ${fmt(seqScanRows)} rows) in a statement the load ran`,
      status: 'failed',
      message: `\`${short(scan.query)}\` scans ${scan.table} sequentially (${fmt(scan.rows)} rows)${scan.filter ? `, filtering ${scan.filter}` : ''}: ${index}${scans.length > 1 ? ` (${scans.length} statements)` : ''}`,
      evidence: { table: scan.table, rows: scan.rows, columns: scan.columns, filter: scan.filter, statements: scans.map((s) => s.query) },
    } satisfies CheckResult;
  });
}
