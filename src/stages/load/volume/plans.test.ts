import { describe, expect, it } from 'vitest';
import { filterColumns, joinColumns, kindOf, planChecks, seqScansOf, type SeqScan } from './plans.ts';

const scan = (table: string, rows: number, columns: string[], query = `select * from ${table} where ${columns[0] ?? 'true'} = $1`): SeqScan => ({ table, rows, columns, filter: columns.length ? `(${columns[0]} = $1)` : undefined, query });

describe('plans of the statements the load ran', () => {
  it('finds every sequential scan in a plan tree, however deep, with the condition of the join it feeds', () => {
    const plan = { 'Node Type': 'Sort', Plans: [{ 'Node Type': 'Hash Join', 'Hash Cond': '(m.conversation_id = c.id)', Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'messages', Alias: 'm' }, { 'Node Type': 'Hash', Plans: [{ 'Node Type': 'Index Scan', 'Relation Name': 'conversations', Alias: 'c' }] }] }, { 'Node Type': 'Seq Scan', 'Relation Name': 'tasks', Filter: '(goal_id = $1)' }] };
    expect(seqScansOf(plan).map((n) => [n['Relation Name'], n.join])).toEqual([['messages', '(m.conversation_id = c.id)'], ['tasks', undefined]]);
    expect(seqScansOf({ 'Node Type': 'Index Only Scan' })).toEqual([]);
    expect(joinColumns('(m.conversation_id = c.id)', 'm')).toEqual(['conversation_id']);
    expect(joinColumns('((li.item_id = ti.id) AND (li.list_id = ul.list_id))', 'li')).toEqual(['item_id', 'list_id']);
    expect(joinColumns('(m.conversation_id = c.id)', 'mm')).toEqual([]);
  });

  it('tells a missing index from the planner\'s own choice: the leading columns of the table\'s indexes decide', () => {
    expect(kindOf({ ...scan('messages', 1e5, ['conversation_id']), indexed: ['id'] }).kind).toBe('filter');
    expect(kindOf({ ...scan('messages', 1e5, ['conversation_id']), indexed: ['conversation_id'] }).kind).toBe('chosen');
    expect(kindOf({ ...scan('messages', 1e5, []), joinColumns: ['conversation_id'], indexed: ['id'] })).toEqual({ kind: 'join', columns: ['conversation_id'] });
    expect(kindOf({ ...scan('todo_items', 1e5, []), joinColumns: ['id'], indexed: ['id'] }).kind).toBe('chosen');
    expect(kindOf(scan('messages', 1e5, [])).kind).toBe('whole');
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
    expect(clean).toEqual([expect.objectContaining({ id: 'load:plans', status: 'passed', message: '12 statement plans read at the largest size; sequential scans on small tables (tasks: 12 rows)\nnot explained: `select $1`: could not determine data type of parameter $1' })]);
  });

  it('a statement that filters one large table and reads another whole to join it (the planner\'s choice) is one finding, naming both', () => {
    const query = 'select ti.* from todo_items ti join lists_items li on li.item_id = ti.id where li.list_id = $1';
    const checks = planChecks({ scans: [{ ...scan('todo_items', 20_000, []), join: '(li.item_id = ti.id)', joinColumns: ['id'], indexed: ['id'], query }, { ...scan('lists_items', 19_264, ['list_id']), indexed: ['id'], query }], unexplained: [] }, 9, 10_000);
    expect(checks.map((c) => c.id)).toEqual(['load:plan:lists_items(list_id)']);
    expect(checks[0]?.message).toMatch(/scans lists_items sequentially \(19,264 rows\), filtering \(list_id = \$1\): an index on lists_items \(list_id\) would serve it; the plan also reads all of todo_items \(20,000 rows\) to join it, which such an index usually lets the planner look up by key instead$/);
  });

  it('a join on columns no index leads is the same finding as a filter on them; a scan the planner chose alone passes, named', () => {
    const list = 'select c.id, count(m.id) from conversations c left join messages m on m.conversation_id = c.id where c.user_id = $1 group by c.id';
    const checks = planChecks({ scans: [{ ...scan('messages', 100_000, ['conversation_id']), indexed: ['id'] }, { ...scan('messages', 100_000, []), join: '(m.conversation_id = c.id)', joinColumns: ['conversation_id'], indexed: ['id'], query: list }], unexplained: [] }, 12, 10_000);
    expect(checks.map((c) => c.id)).toEqual(['load:plan:messages(conversation_id)']);
    expect(checks[0]?.message).toMatch(/\(2 statements\)$/);
    const chosen = planChecks({ scans: [{ ...scan('messages', 100_000, []), join: '(m.conversation_id = c.id)', joinColumns: ['conversation_id'], indexed: ['conversation_id'], query: list }], unexplained: [] }, 12, 10_000);
    expect(chosen).toEqual([expect.objectContaining({ id: 'load:plans', status: 'passed', message: '12 statement plans read at the largest size; on messages (100,000 rows; an index leads conversation_id, and the planner chose to read the table)' })]);
  });

  it('one finding per table and columns, counting the statements; a scan filtering nothing says so', () => {
    const checks = planChecks({ scans: [scan('messages', 50_000, ['conversation_id']), scan('messages', 50_000, ['conversation_id'], 'select count(*) from messages where conversation_id = $1'), scan('messages', 50_000, [])], unexplained: [] }, 5, 10_000);
    expect(checks.map((c) => c.id)).toEqual(['load:plan:messages(conversation_id)', 'load:plan:messages']);
    expect(checks[0]?.message).toMatch(/\(2 statements\)$/);
    expect(checks[1]?.message).toMatch(/it filters on nothing the plan names, so every call reads the whole table/);
  });
});
