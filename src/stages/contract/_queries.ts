import { curl, send, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { listItems } from '../../openapi/resources.ts';
import { databaseOf, PostgresStats } from '../../server-stats/postgres-stats.ts';
import { createsInCollection } from '../../openapi/plan.ts';
import type { StageContext } from '../types.ts';
import type { CheckResult } from '../../results/types.ts';

/** Items added between the two measurements: enough that one statement per item stands out from noise. */
export const ADDED_ITEMS = 6;

export interface ListProbe {
  list: Operation;
  /** The list's valid request. */
  request: HttpRequest;
  /** Creates one more item the list shows (a POST on the same collection). */
  create(n: number): Promise<HttpResponse>;
}

/** How many items a list response holds: a top-level array, or the one array of an envelope ({ data: [...] }). */
export function itemsIn(json: unknown): number | undefined {
  return listItems(json)?.length;
}

/**
 * Queries per request without load (an N+1 found in the contract stage, not only under k6): the
 * SQL statements one list request runs (pg_stat_statements of the Postgres Gauntlet started,
 * measured twice and the smaller taken), before and after `ADDED_ITEMS` more items exist. A list
 * whose statements grow by about one or more per added item runs a query per item.
 */
export async function queriesPerItem(stats: PostgresStats, probe: ListProbe): Promise<CheckResult> {
  const id = `contract:${probe.list.id}:queries-per-item`;
  const title = `${probe.list.id} runs as many SQL statements for ${ADDED_ITEMS} more items (no N+1)`;
  const measure = async () => {
    let best: { statements: number; items: number | undefined; status: number } | undefined;
    for (let i = 0; i < 2; i++) {
      const before = (await stats.totals()).calls;
      const response = await send(probe.request);
      const statements = (await stats.totals()).calls - before;
      if (!best || statements < best.statements) best = { statements, items: itemsIn(response.json), status: response.status };
    }
    return best as { statements: number; items: number | undefined; status: number };
  };
  const first = await measure();
  if (first.status >= 300 || first.items === undefined) return { id, stage: 'contract', title, status: 'skipped', message: `not measured: the list answered ${first.status}${first.items === undefined ? ' without an array of items' : ''}` };
  for (let n = 0; n < ADDED_ITEMS; n++) await probe.create(n);
  const second = await measure();
  const added = (second.items ?? 0) - first.items;
  const figures = `${first.statements} statements for ${first.items} items, ${second.statements} for ${second.items ?? '?'}`;
  // A list capped by a page size shows no more items: nothing to compare.
  if (added < ADDED_ITEMS / 2) return { id, stage: 'contract', title, status: 'skipped', message: `not measured: ${ADDED_ITEMS} items were created but the list grew by ${added} (a page size, or the creations failed); ${figures}` };
  const perItem = (second.statements - first.statements) / added;
  const evidence = { before: { items: first.items, statements: first.statements }, after: { items: second.items, statements: second.statements }, statementsPerItem: Number(perItem.toFixed(2)) };
  if (perItem < 0.75) return { id, stage: 'contract', title, status: 'passed', message: figures, evidence };
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: `${probe.list.id} ran ${figures}: ${perItem.toFixed(1)} more statements per item listed, a query per item (an N+1). It will slow down as users' lists grow; load it with a join or one query for all items.\nreproduce: ${curl(probe.request)} (with more items: more statements in pg_stat_statements)`,
    evidence,
  };
}

/**
 * Queries per request of every list that a creation of the same collection can grow (GET /notes with
 * POST /notes), from pg_stat_statements of the Postgres Gauntlet started (_queries.ts).
 */
export async function queryCounts(context: StageContext, lists: { op: Operation; request: HttpRequest }[], ops: Operation[], create: (op: Operation, n: number) => Promise<HttpResponse>, add: (check: CheckResult) => void): Promise<void> {
  const growable = lists.map((l) => ({ ...l, creation: ops.find((o) => createsInCollection(o) && o.path === l.op.path) })).filter((l): l is typeof l & { creation: Operation } => l.creation !== undefined);
  if (growable.length === 0) return;
  const skip = (reason: string) => {
    for (const { op } of growable) add({ id: `contract:${op.id}:queries-per-item`, stage: 'contract', title: `${op.id} runs as many SQL statements for more items (no N+1)`, status: 'skipped', message: reason });
  };
  const adminUrl = context.gauntlet.adminUrl;
  if (!adminUrl || context.environment.kind === 'external') return skip('not measured: the Postgres is not one Gauntlet started, so its statements cannot be counted');
  const probe = await PostgresStats.open(adminUrl, databaseOf(context.gauntlet.databaseUrl));
  if (!probe.available) return skip(`not measured: ${probe.reason}`);
  try {
    for (const { op, request, creation } of growable) add(await queriesPerItem(probe.stats, { list: op, request, create: (n) => create(creation, n) }));
  } finally {
    await probe.stats.close();
  }
}
