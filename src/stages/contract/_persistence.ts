import { isDeepStrictEqual } from 'node:util';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { buildRequest, createsInCollection, type ResourceStore } from '../../openapi/plan.ts';
import { identifierFor, trimSlash } from '../../openapi/resources.ts';
import type { CheckResult } from '../../results/types.ts';
import type { StageContext } from '../types.ts';

/** What the API created is still there, unchanged, after the target process restarts. */
export async function persistenceCheck(context: StageContext, operations: Operation[], store: ResourceStore, session: Record<string, string>, authPaths: string[], send: (r: HttpRequest) => Promise<HttpResponse>): Promise<CheckResult> {
  const id = 'contract:persistence';
  const title = 'data written through the API survives a restart of the target';
  // Fresh writes right before the restart: what the earlier passes created may have been deleted since.
  for (const op of operations.filter((o) => createsInCollection(o) && !authPaths.includes(o.path))) {
    const { request } = buildRequest(op, context.target.url, store, session, context.config.stages.contract.seed + 2);
    store.remember(op, await send(request), request);
  }
  // Each created resource read back through the GET that fetches one by whatever key it uses ({id}, {slug}, {username}).
  const readable = store.created().flatMap(({ collection, template, object }) => {
    const op = operations.find((o) => o.method === 'GET' && trimSlash(o.path).startsWith(`${template}/{`) && /^\/\{[^}/]+\}$/.test(trimSlash(o.path).slice(template.length)));
    const value = op ? identifierFor(object, /\{([^}]+)\}$/.exec(trimSlash(op.path))?.[1] ?? 'id') : undefined;
    return op && value !== undefined ? [{ op, key: String(value), path: `${collection}/${encodeURIComponent(String(value))}${op.path.endsWith('/') ? '/' : ''}` }] : [];
  });
  if (readable.length === 0) return { id, stage: 'contract', title, status: 'skipped', message: 'no created resource has a GET <collection>/{param} operation to read it back' };
  // The target's address at the time of reading: a restarted container may listen on another port.
  const read = () => Promise.all(readable.map(({ op, path }) => send({ method: 'GET', url: `${new URL(context.target.url).origin}${path}`, headers: op.secured || op.optionalAuth ? session : {} })));
  const before = await read();
  if (context.target.pid === undefined && !context.environment.disposable) return { id, stage: 'contract', title, status: 'skipped', message: 'the target is not run by Gauntlet, so it cannot be restarted' };
  await context.target.restart();
  const after = await read();
  // Only what was read before the restart can be lost by it: a 429 (a throttle) or a 404 before says nothing.
  const compared = readable.map((r, i) => ({ ...r, before: before[i], after: after[i] })).filter((r) => r.before !== undefined && r.before.status >= 200 && r.before.status < 300);
  if (compared.length === 0) return { id, stage: 'contract', title, status: 'skipped', message: `no resource could be read before the restart (${[...new Set(before.map((b) => b.status))].join(', ')}), so nothing could be compared` };
  const lost = compared.filter((r) => r.before?.status !== r.after?.status || !isDeepStrictEqual(r.before?.json, r.after?.json));
  if (lost.length === 0) return { id, stage: 'contract', title, status: 'passed', message: `${compared.length} resources read back unchanged after the restart` };
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: lost.map(({ op, key }) => `${op.id} (${key}) changed or vanished across the restart`).join('\n'),
  };
}
