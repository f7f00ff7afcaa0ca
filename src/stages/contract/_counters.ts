import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { writeReadVerdict } from './_write-read.ts';
import { isObject, trimSlash, unwrapEnvelope } from '../../openapi/identity.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';

/**
 * Counters (issue #26's fourth property): a count an action moves equals the length of the list it
 * counts, as the API's own reads show both. After a 2xx write on a sub-path of a resource (a message
 * posted, a task completed, a like), the resource is read and each counter it carries is compared
 * with its list in the same answer:
 * - `<x>Count` / `<x>_count` / `<x>sCount` / `num<X>s` against the array `<x>s`;
 * - `<x>Done` / `<x>_done` / `<x>Completed` / `done<X>` against the items of `<x>` that are done
 *   (`done`/`completed`/`isDone` true, or `doneAt`/`completedAt` set).
 * The write is then sent once more, as a client retrying it would, and the counters read again:
 * an action counted twice, or a count that misses a second item, is the finding
 * (`contract:<op>:counter`). A resource with no such pair: no check.
 */
export async function counterCheck(op: Operation, write: { request: HttpRequest; response: HttpResponse }, operations: Operation[], send: (r: HttpRequest) => Promise<HttpResponse>): Promise<CheckResult | undefined> {
  const { request, response } = write;
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method) || response.status < 200 || response.status >= 300) return undefined;
  const read = parentRead(op, request, operations);
  if (!read) return undefined;
  const first = await send(read);
  const pairs = counters(first.json);
  if (pairs.length === 0) return undefined;
  const problems = mismatches(first.json).map((m) => `after ${op.method} ${new URL(request.url).pathname} (${response.status}): ${m}`);
  let last = first;
  if (problems.length === 0 && op.method !== 'DELETE') {
    // Sent again, as a retrying client would: the counter must still agree with its list.
    const again = await send(request);
    if (again.status < 500) {
      last = await send(read);
      problems.push(...mismatches(last.json).map((m) => `after the same ${op.method} sent again (${again.status}): ${m}`));
    }
  }
  const id = `contract:${op.id}:counter`;
  const title = `the counters ${op.id} moves agree with the lists they count (${pairs.join(', ')})`;
  return writeReadVerdict(id, title, problems, { request, response, note: ' (twice)' }, { request: read, response: last });
}

/** The GET of the resource the write acts under: the longest prefix of its path that is an item GET. */
function parentRead(op: Operation, request: HttpRequest, operations: Operation[]): HttpRequest | undefined {
  const template = trimSlash(op.path).split('/');
  const actual = trimSlash(new URL(request.url).pathname).split('/');
  if (template.length !== actual.length) return undefined;
  for (let n = template.length - 1; n >= 2; n--) {
    const prefix = template.slice(0, n).join('/');
    if (!/\{[^}/]+\}$/.test(prefix)) continue;
    const get = operations.find((o) => o.method === 'GET' && trimSlash(o.path) === prefix);
    if (!get) continue;
    const url = new URL(request.url);
    url.search = '';
    url.pathname = `${actual.slice(0, n).join('/')}${get.path.endsWith('/') ? '/' : ''}`;
    return { method: 'GET', url: url.toString(), headers: request.headers };
  }
  return undefined;
}

const COUNT = [/^(.+?)_?[Cc]ount$/, /^num_?(.+)$/i];
const DONE = [/^(.+?)_?(?:[Dd]one|[Cc]ompleted)$/, /^(?:done|completed)_?(.+)$/i];
const isDone = (item: unknown) => isObject(item) && Object.entries(item).some(([k, v]) => (/^(is_?)?(done|completed|finished)$/i.test(k) && v === true) || (/^(done|completed|finished)_?at$/i.test(k) && v !== null && v !== undefined && v !== ''));

/** The array a counter named with this stem counts: `messages` for `message`, `tasks` for `tasks`. */
function listFor(object: Record<string, unknown>, stem: string): string | undefined {
  const flat = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  const want = flat(stem);
  return Object.keys(object).find((k) => Array.isArray(object[k]) && [want, `${want}s`, want.replace(/s$/, '')].includes(flat(k)));
}

/** Each counter the answer carries with the list it counts: `tasksDone` with `tasks` (done items), `messageCount` with `messages`. */
function pairsOf(json: unknown): { object: Record<string, unknown>; key: string; list: string; done: boolean }[] {
  const object = unwrapEnvelope(json);
  if (!isObject(object)) return [];
  return Object.entries(object).flatMap(([key, value]) => {
    if (typeof value !== 'number') return [];
    for (const [res, done] of [[COUNT, false], [DONE, true]] as const) {
      for (const re of res) {
        const stem = re.exec(key)?.[1];
        const list = stem ? listFor(object, stem) : undefined;
        if (list) return [{ object, key, list, done }];
      }
    }
    return [];
  });
}

/** "tasksDone ↔ tasks" for each counter the answer carries with its list. */
function counters(json: unknown): string[] {
  return pairsOf(json).map((p) => `${p.key} ↔ ${p.list}`);
}

/** Each counter that disagrees with its list, in words. */
function mismatches(json: unknown): string[] {
  return pairsOf(json).flatMap(({ object, key, list, done }) => {
    const items = object[list] as unknown[];
    const expected = done ? items.filter(isDone).length : items.length;
    return object[key] === expected ? [] : [`${key} is ${String(object[key])}, but ${list} ${done ? `has ${expected} done` : `holds ${expected}`}`];
  });
}
