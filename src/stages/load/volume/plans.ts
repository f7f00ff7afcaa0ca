import pg from 'pg';
import type { CheckResult } from '../../../results/types.ts';
import type { StatementStats } from '../../../server-stats/postgres-stats.ts';
import { fmt, short } from './format.ts';

/** A sequential scan found in a statement's plan. */
export interface SeqScan {
  table: string;
  /** The table's rows as the planner knows them (pg_class.reltuples, after ANALYZE). */
  rows: number;
  /** Columns the scan filters on, in the order the filter names them. */
  columns: string[];
  filter: string | undefined;
  /** The condition of the join the scan feeds (a hash join's Hash Cond), and this table's columns in it. */
  join?: string;
  joinColumns?: string[];
  /** The leading column of each index the table has. */
  indexed?: string[];
  query: string;
}

/**
 * What a scan is: `filter`, a filter no index leads (the missing index); `join`, a join on columns no
 * index leads; `whole`, nothing to look up by (the query reads the table); `chosen`, the planner's
 * choice although an index leads the columns (most rows match, or the other side is small).
 */
export function kindOf(scan: SeqScan): { kind: 'filter' | 'join' | 'whole' | 'chosen'; columns: string[] } {
  const indexed = new Set(scan.indexed ?? []);
  if (scan.columns.length) return indexed.has(scan.columns[0] as string) ? { kind: 'chosen', columns: scan.columns } : { kind: 'filter', columns: scan.columns };
  const join = scan.joinColumns ?? [];
  if (join.length) return join.some((c) => indexed.has(c)) ? { kind: 'chosen', columns: join } : { kind: 'join', columns: join };
  return { kind: 'whole', columns: [] };
}

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  Filter?: string;
  'Hash Cond'?: string;
  'Merge Cond'?: string;
  'Join Filter'?: string;
  Plans?: PlanNode[];
}

/** Every Seq Scan node of a plan (EXPLAIN (FORMAT JSON)'s tree), depth first, with the condition of the nearest join above it. */
export function seqScansOf(plan: PlanNode, join?: string): (PlanNode & { join?: string })[] {
  const own = plan['Node Type'] === 'Seq Scan' ? [{ ...plan, ...(join ? { join } : {}) }] : [];
  const below = plan['Hash Cond'] ?? plan['Merge Cond'] ?? plan['Join Filter'] ?? join;
  return [...own, ...(plan.Plans ?? []).flatMap((child) => seqScansOf(child, below))];
}

/** The columns of `alias` a join condition names: `(m.conversation_id = c.id)`, m → conversation_id. */
export function joinColumns(condition: string | undefined, alias: string | undefined): string[] {
  if (!condition || !alias) return [];
  const escaped = alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...new Set([...condition.matchAll(new RegExp(`(?:^|[^a-z0-9_.])"?${escaped}"?\\."?([a-z_][a-z0-9_]*)"?`, 'gi'))].map((m) => m[1] as string))];
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
          const { rows: leading } = await client.query<{ column: string }>('select a.attname as column from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0] where i.indrelid = to_regclass($1)', [qualified]);
          const join = joinColumns(node.join, node.Alias ?? table);
          scans.push({ table: qualified, rows: Number(sized[0]?.n ?? 0), columns: filterColumns(node.Filter), filter: node.Filter, ...(node.join ? { join: node.join, joinColumns: join } : {}), indexed: leading.map((r) => r.column), query: statement.query });
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

/**
 * `load:plan:<table>(<columns>)`: a sequential scan on a table above `seqScanRows` rows in the plan
 * of a statement the load ran, where no index leads the columns it filters or joins on: the finding
 * names the table, the condition and the index that would serve it. One check per table and columns.
 * A scan the planner chose although an index leads its columns (most rows match, or the other side
 * of a join is small) is no finding; it is named under the statement's finding when there is one (a
 * hash join fed by the scan that the missing index forces), and in the passing `load:plans` otherwise.
 */
export function planChecks(found: { scans: SeqScan[]; unexplained: string[] }, explained: number, seqScanRows: number): CheckResult[] {
  const large = found.scans.filter((s) => s.rows > seqScanRows);
  const byKey = new Map<string, { scan: SeqScan; kind: ReturnType<typeof kindOf>; statements: string[]; joined: SeqScan[] }>();
  const chosen: SeqScan[] = [];
  for (const query of [...new Set(large.map((s) => s.query))]) {
    const scans = large.filter((s) => s.query === query);
    const findings = scans.filter((s) => kindOf(s).kind !== 'chosen');
    for (const scan of findings) {
      const kind = kindOf(scan);
      const key = kind.columns.length ? `${scan.table}(${kind.columns.join(',')})` : scan.table;
      const entry = byKey.get(key) ?? { scan, kind, statements: [], joined: [] };
      if (!entry.statements.includes(query)) entry.statements.push(query);
      for (const other of scans.filter((s) => kindOf(s).kind === 'chosen' && !entry.joined.some((j) => j.table === s.table))) entry.joined.push(other);
      byKey.set(key, entry);
    }
    if (findings.length === 0) chosen.push(...scans);
  }
  const note = found.unexplained.length ? `\nnot explained: ${found.unexplained.slice(0, 5).join('; ')}` : '';
  if (byKey.size === 0) {
    const small = [...new Set(found.scans.filter((s) => s.rows <= seqScanRows).map((s) => `${s.table}: ${fmt(s.rows)} rows`))];
    const planned = [...new Set(chosen.map((s) => `${s.table} (${fmt(s.rows)} rows; an index leads ${kindOf(s).columns.join(', ')}, and the planner chose to read the table)`))];
    return [{ id: 'load:plans', stage: 'load', title: `no sequential scan on a table above ${fmt(seqScanRows)} rows that an index would serve, in the plans of the load's statements`, status: 'passed', message: `${explained} statement plans read at the largest size${small.length ? `; sequential scans on small tables (${small.join(', ')})` : ''}${planned.length ? `; on ${planned.join(', ')}` : ''}${note}` }];
  }
  return [...byKey.entries()].map(([key, { scan, kind, statements, joined }]) => {
    const how =
      kind.kind === 'filter'
        ? `, filtering ${scan.filter}: an index on ${scan.table} (${kind.columns.join(', ')}) would serve it`
        : kind.kind === 'join'
          ? ` to join it on ${scan.join}: no index leads ${kind.columns.join(', ')}; an index on ${scan.table} (${kind.columns.join(', ')}) would serve it`
          : ': it filters on nothing the plan names, so every call reads the whole table (add a WHERE or a LIMIT an index can serve)';
    const join = joined.length ? `; the plan also reads all of ${joined.map((j) => `${j.table} (${fmt(j.rows)} rows)`).join(' and ')} to join it, which such an index usually lets the planner look up by key instead` : '';
    return {
      id: `load:plan:${key}`,
      stage: 'load',
      title: `no sequential scan on ${scan.table} (above ${fmt(seqScanRows)} rows) in a statement the load ran`,
      status: 'failed',
      message: `\`${short(scan.query)}\` scans ${scan.table} sequentially (${fmt(scan.rows)} rows)${how}${join}${statements.length > 1 ? ` (${statements.length} statements)` : ''}`,
      evidence: { table: scan.table, rows: scan.rows, columns: kind.columns, filter: scan.filter, join: scan.join, statements, ...(joined.length ? { joined: joined.map((j) => ({ table: j.table, rows: j.rows })) } : {}) },
    } satisfies CheckResult;
  });
}
