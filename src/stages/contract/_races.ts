import { curl, isServerError, send, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';

/** Identical requests sent at once: enough to overlap on two cores, bounded. */
export const RACERS = 8;

/** An action on a sub-path of a resource (POST /goals/{id}/tasks/{taskId}/complete, PUT /articles/{slug}/favorite) with no required body fields. */
export function isAction(op: Operation): boolean {
  if (op.method !== 'POST' && op.method !== 'PUT') return false;
  const segments = op.path.split('/').filter(Boolean);
  const last = segments.at(-1) ?? '';
  if (!segments.some((s) => s.startsWith('{')) || last.startsWith('{')) return false;
  const media = op.body?.media[0];
  if (media && media.contentType !== 'application/json' && !/json/.test(media.contentType)) return false;
  return !op.body?.required || ((media?.schema?.required as string[] | undefined) ?? []).length === 0;
}

export interface RaceSetup {
  /** The action on a resource created for this purpose (nothing has acted on it yet). */
  action: HttpRequest;
  /** Reads that show the action's effect: the resource itself, counters (GET /progress). */
  observers: HttpRequest[];
}

export interface RaceProbe {
  op: Operation;
  /** Creates a fresh resource and says how to act on it and read it; undefined when it cannot. */
  fresh(n: number): Promise<RaceSetup | undefined>;
}

type Snapshot = Map<string, number>;

/** Integers and booleans of every observer's answer, by request and JSON path (booleans count 0/1). */
async function snapshot(observers: HttpRequest[]): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const responses = await Promise.all(observers.map((o) => send(o)));
  responses.forEach((r, i) => flatten(r.json, `${observers[i]?.method} ${new URL(observers[i]?.url ?? 'http://x').pathname}`, out));
  return out;
}

/** Counts only: integers and booleans. A ratio (a completion rate) moves with totals the action does not touch. */
function flatten(value: unknown, at: string, out: Snapshot): void {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) out.set(at, value);
  }
  else if (typeof value === 'boolean') out.set(at, value ? 1 : 0);
  else if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, `${at}.${k}`, out);
}

function delta(before: Snapshot, after: Snapshot, noise: Set<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [path, value] of after) {
    const was = before.get(path);
    if (was !== undefined && !noise.has(path) && value !== was) out.set(path, value - was);
  }
  return out;
}

/** Ids that an array of objects holds more than once, in any observer's answer. */
async function duplicates(observers: HttpRequest[]): Promise<string[]> {
  const found: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (Array.isArray(value)) {
      const ids = value.map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>).id : undefined)).filter((id) => id !== undefined).map(String);
      const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
      if (twice.length) found.push(`${at} holds ${[...new Set(twice)].join(', ')} more than once`);
      value.forEach((v, i) => walk(v, `${at}[${i}]`));
    } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`);
  };
  for (const o of observers) walk((await send(o)).json, `${o.method} ${new URL(o.url).pathname}`);
  return found;
}

/**
 * A race: what one request does to a fresh resource (and a second one, sent after it: idempotent
 * or additive) is the baseline; then `RACERS` identical requests go at once to another fresh
 * resource. Their combined effect on every number the observers show must be what that many
 * sequential requests would have done: one application for an idempotent action, `RACERS` for an
 * additive one; no answer may be a 5xx, and no list may hold an id twice. Paths that change with
 * no request at all (uptime, clocks) are left out.
 */
export async function raceCheck(probe: RaceProbe): Promise<CheckResult> {
  const id = `contract:${probe.op.id}:race`;
  const title = `${RACERS} identical ${probe.op.id} at once have the effect of as many in a row (no lost or doubled updates)`;
  const skip = (message: string): CheckResult => ({ id, stage: 'contract', title, status: 'skipped', message });
  const baseline = await probe.fresh(0);
  if (!baseline) return skip('not checked: no fresh resource could be created to act on');
  const s0 = await snapshot(baseline.observers);
  const again = await snapshot(baseline.observers);
  const noise = new Set([...s0.keys()].filter((k) => s0.get(k) !== again.get(k)));
  const first = await send(baseline.action);
  if (first.status >= 300) return skip(`not checked: the action answered ${first.status} on a fresh resource (${curl(baseline.action)})`);
  const s1 = await snapshot(baseline.observers);
  await send(baseline.action);
  const s2 = await snapshot(baseline.observers);
  const single = delta(s0, s1, noise);
  const second = delta(s1, s2, noise);
  if (single.size === 0) return skip('not checked: one request changed no number the reads show, so there is nothing to count');
  const idempotent = second.size === 0;

  const raced = await probe.fresh(1);
  if (!raced) return skip('not checked: no second fresh resource could be created');
  const r0 = await snapshot(raced.observers);
  const responses: HttpResponse[] = await Promise.all(Array.from({ length: RACERS }, () => send(raced.action)));
  const r1 = await snapshot(raced.observers);
  const burst = delta(r0, r1, noise);
  const problems: string[] = [];
  const failed = responses.filter(isServerError);
  if (failed.length) problems.push(`${failed.length} of the ${RACERS} concurrent requests answered ${[...new Set(failed.map((r) => r.status))].join('/')}: ${failed[0]?.text.slice(0, 300)}`);
  // The same path on the other fresh resource: the reads' paths differ only in ids, so compare by shape.
  const shape = (path: string) => path.replace(/\/[^/\s.[]*[0-9][^/\s.[]*(?=\/|\.|\[|$)/g, '/{id}');
  // Per figure: the first request's effect, then what each later one adds (the second request's
  // effect): a done flag moves once while a counter beside it may move with every request.
  const expected = new Map([...single].map(([p, d]) => [shape(p), { want: d + (second.get(p) ?? 0) * (RACERS - 1), adds: second.get(p) ?? 0 }]));
  const actual = new Map([...burst].map(([p, d]) => [shape(p), d]));
  for (const [path, { want, adds }] of expected) {
    const got = actual.get(path) ?? 0;
    if (got !== want) problems.push(`${path} changed by ${got}; ${RACERS} requests in a row change it by ${want} (${adds === 0 ? 'the action is idempotent: a second request changes nothing' : `each request adds ${adds}`})`);
  }
  problems.push(...(await duplicates(raced.observers)));
  const evidence = { request: curl(raced.action), racers: RACERS, idempotent, statuses: responses.map((r) => r.status) };
  if (problems.length === 0) return { id, stage: 'contract', title, status: 'passed', message: `${RACERS} at once changed ${expected.size} figure(s) as ${idempotent ? 'one request does (idempotent)' : `${RACERS} requests do`}`, evidence };
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: [`${RACERS} identical requests sent at once (a race: a check-then-act or a read-modify-write that is not atomic):`, ...problems, `reproduce: send ${RACERS} of these at once: ${curl(raced.action)}`].join('\n'),
    evidence,
  };
}
