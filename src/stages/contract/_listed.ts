import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { nextOf } from './_cursor.ts';
import { PAGING, TOTAL } from './_lists.ts';
import { writeReadVerdict } from './_write-read.ts';
import { bodyFieldsOf, identifierFor, isObject, listItems, trimSlash, unwrapEnvelope, withId } from '../../openapi/identity.ts';
import type { Operation } from '../../openapi/operations.ts';
import { createsInCollection } from '../../openapi/plan.ts';
import type { CheckResult } from '../../results/types.ts';
import { comparable, difference } from './_read-your-writes.ts';

/**
 * A created item appears in its collection (issue #26's third property), with what was sent: after
 * a 2xx create, the collection's list (GET on the same path, no required parameters) shows an item
 * with the new item's identifier, and each plain field it shows reads as sent (see difference()).
 * Judged only on a list that is whole: a bare array of fewer than 20 items from an operation without
 * paging parameters, an envelope whose `next` is null, or an envelope whose count equals its items (a new item may sit on a later
 * page); a missing item only where the list shows others made the same way (a public list may leave
 * a new draft out, and that is no finding).
 */
export async function listedCheck(op: Operation, write: { request: HttpRequest; response: HttpResponse }, operations: Operation[], send: (r: HttpRequest) => Promise<HttpResponse>): Promise<CheckResult | undefined> {
  const { request, response } = write;
  if (!createsInCollection(op) || response.status < 200 || response.status >= 300 || !request.body || !('json' in request.body)) return undefined;
  const list = operations.find((o) => o.method === 'GET' && trimSlash(o.path) === trimSlash(op.path) && !o.parameters.some((p) => p.required));
  const created = unwrapEnvelope(response.json);
  const key = isObject(created) ? identifierFor(withId(created), 'id') : undefined;
  if (!list || key === undefined) return undefined;
  const url = new URL(request.url);
  url.search = '';
  const read: HttpRequest = { method: 'GET', url: url.toString(), headers: request.headers };
  const answer = await send(read);
  const items = listItems(answer.json);
  if (answer.status < 200 || answer.status >= 300 || !items || !whole(list, answer, items)) return undefined;
  const id = `contract:${op.id}:listed`;
  const title = `what ${op.id} created is in ${list.id}, as sent`;
  const item = items.find((i) => isObject(i) && String(identifierFor(withId(i), 'id')) === String(key)) as Record<string, unknown> | undefined;
  const sent = Object.entries(bodyFieldsOf(request.body.json).fields).filter(([field, value]) => comparable(field, value));
  // Missing: only a finding when the list shows earlier items made the same way (a draft may be left out of a public list).
  const kin = items.some((i) => isObject(i) && sent.some(([field, value]) => typeof value === 'string' && i[field] === value));
  if (!item && !kin) return undefined;
  const problems: string[] = [];
  if (!item) problems.push(`${list.id} does not show the item ${String(key)} that ${op.id} created (${response.status}); the list has ${items.length} items`);
  else {
    for (const [field, value] of sent) {
      if (!(field in item)) continue;
      const problem = difference(field, value, item[field]);
      if (problem) problems.push(`in ${list.id}: ${problem}`);
    }
  }
  return writeReadVerdict(id, title, problems, write, { request: read, response: answer });
}


/** Whether the list answer holds every item of the collection: a total that says so, a next link that says there is no more, or a short unpaged list. */
function whole(list: Operation, answer: HttpResponse, items: unknown[]): boolean {
  const envelope = unwrapEnvelope(answer.json);
  if (isObject(envelope)) {
    const total = Object.entries(envelope).find(([k, v]) => TOTAL.test(k) && typeof v === 'number')?.[1];
    if (total !== undefined) return total === items.length;
  }
  if (isObject(answer.json) && Object.keys(answer.json).some((k) => /^next/i.test(k))) return nextOf(answer) === undefined;
  return items.length < 20 && !list.parameters.some((p) => p.in === 'query' && PAGING.test(p.name));
}
