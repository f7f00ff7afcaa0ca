import { describe, expect, it } from 'vitest';
import { filterColumns, planChecks, seqScansOf, type SeqScan } from './plans.ts';

const scan = (table: string, rows: number, columns: string[], query = `select * from ${table} where ${columns[0] ?? 'true'} = $1`): SeqScan => ({ table, rows, columns, filter: columns.length ? `(${columns[0]} = $1)` : undefined, query });

describe('plans of the statements the load ran', () => {
  it('finds every sequential scan in a plan tree, however deep', () => {
    const plan = { 'Node Type': 'Sort', Plans: [{ 'Node Type': 'Nested Loop', Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'messages', Filter: '(conversation_id = $1)' }, { 'Node Type': 'Index Scan', 'Relation Name': 'users' }] }] };
    expect(seqScansOf(plan).map((n) => n['Relation Name'])).toEqual(['messages']);
    expect(seqScansOf({ 'Node Type': 'Index Only Scan' })).toEqual([]);
  });

  it('reads the columns a filter compares, without qualifiers, casts, literals or parameters', () => {
    expect(filterColumns('(conversation_id = $1)')).toEqual(['conversation_id']);
    expect(filterColumns("((m.conversation_id = $1) AND (role = 'user'::text))")).toEqual(['conversation_id', 'role']);
    expect(filterColumns('((user_id)::text = $1)')).toEqual(['user_id']);
    expect(filterColumns("((title ~~* '%x%'::text) OR (deleted_at IS NULL))")).toEqual(['title', 'deleted_at']);
    expect(filterColumns('(($1 = account_id) AND (user_id = $2))')).toEqual(['account_id', 'user_id']);
    expect(filterColumns(undefined)).toEqual([]);
  });

  it('a scan on a large table is a finding naming the table, the filter and the index; small tables pass', () => {
    const checks = planChecks({ scans: [scan('messages', 100_000, ['conversation_id']), scan('tasks', 12, ['goal_id'])], unexplained: [] }, 12, 10_000);
    expect(checks).toEqual([
      expect.objectContaining({
        id: 'load:plan:messages(conversation_id)',
        status: 'failed',
        message: '`select * from messages where conversation_id = $1` scans messages sequentially (100,000 rows), filtering (conversation_id = $1): an index on messages (conversation_id) would serve it',
      }),
    ]);
    const clean = planChecks({ scans: [scan('tasks', 12, ['goal_id'])], unexplained: ['`select $1`: could not determine data type of parameter $1'] }, 12, 10_000);
    expect(clean).toEqual([expect.objectContaining({ id: 'load:plans', status: 'passed', message: '12 statement plans read at the largest size; sequential scans only on small tables (tasks: 12 rows)\nnot explained: `select $1`: could not determine data type of parameter $1' })]);
  });

  it('one finding per table and columns, counting the statements; a scan filtering nothing says so', () => {
    const checks = planChecks({ scans: [scan('messages', 50_000, ['conversation_id']), scan('messages', 50_000, ['conversation_id'], 'select count(*) from messages where conversation_id = $1'), scan('messages', 50_000, [])], unexplained: [] }, 5, 10_000);
    expect(checks.map((c) => c.id)).toEqual(['load:plan:messages(conversation_id)', 'load:plan:messages']);
    expect(checks[0]?.message).toMatch(/\(2 statements\)$/);
    expect(checks[1]?.message).toMatch(/it filters on nothing the plan names: the query reads the whole table/);
  });
});
