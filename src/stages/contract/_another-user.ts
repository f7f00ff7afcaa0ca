import type { HttpRequest } from '../../http/send.ts';
import type { Session } from '../../http/session.ts';
import { isObject } from '../../openapi/resources.ts';

/**
 * An action on one's own resource (following oneself, liking one's own post, a transfer to oneself)
 * is refused by design: a valid request that meets "you cannot follow yourself" reached nothing, and
 * its answer is no finding. `refusesSelf` recognises the refusal; `aimedAtAnother` sends the same
 * request at another user: every path segment and body field holding one of the acting user's own
 * identity values (id, username, email, name) gets the other user's value of the same field.
 */
const SELF = /\b(?:your ?self|oneself|themselves|the same (?:user|account|person|member)|same as (?:the )?(?:current|requesting|logged[- ]in) user|your own (?:account|profile|user|record)|self[- ](?:follow|like|review|rating|transfer|message|invite|friend))/i;

export function refusesSelf(text: string): boolean {
  return SELF.test(text);
}

/** A user's identity values by field: its credentials, its id, and what its sign-up and login answers said of it. */
export function identityOf(user: Session): Map<string, string> {
  const out = new Map<string, string>();
  const put = (key: string, value: unknown) => {
    if ((typeof value === 'string' && value.length >= 2) || typeof value === 'number') if (!out.has(key)) out.set(key, String(value));
  };
  for (const [key, value] of Object.entries(user.credentials)) if (key !== 'password') put(key, value);
  if (user.userId !== undefined) put('id', user.userId);
  const walk = (node: unknown, depth: number) => {
    if (!isObject(node) || depth > 2) return;
    for (const [key, value] of Object.entries(node)) {
      if (/^(id|pk|uuid|user_?id|username|user_?name|handle|login|email|slug|name)$/i.test(key)) put(key.toLowerCase().replace(/[_-]/g, ''), value);
      else walk(value, depth + 1);
    }
  };
  for (const { response } of user.exchanges ?? []) walk(response.json, 0);
  return out;
}

/** The request aimed at `other` instead of `own`: undefined when it names none of the own values (nothing to change). */
export function aimedAtAnother(request: HttpRequest, own: Map<string, string>, other: Map<string, string>): HttpRequest | undefined {
  const swap = new Map<string, string>();
  for (const [key, value] of own) {
    const theirs = other.get(key);
    if (theirs !== undefined && theirs !== value) swap.set(value, theirs);
  }
  let changed = false;
  const url = new URL(request.url);
  url.pathname = url.pathname
    .split('/')
    .map((segment) => {
      const theirs = swap.get(decodeURIComponent(segment));
      if (theirs === undefined) return segment;
      changed = true;
      return encodeURIComponent(theirs);
    })
    .join('/');
  const body = request.body && 'json' in request.body ? { json: swapped(request.body.json, swap, () => (changed = true), 0) } : request.body;
  return changed ? { ...request, url: url.toString(), ...(body ? { body } : {}) } : undefined;
}

function swapped(node: unknown, swap: Map<string, string>, mark: () => void, depth: number): unknown {
  if (depth > 2) return node;
  if (Array.isArray(node)) return node.map((n) => swapped(n, swap, mark, depth + 1));
  if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, swapped(v, swap, mark, depth + 1)]));
  if ((typeof node === 'string' || typeof node === 'number') && swap.has(String(node))) {
    mark();
    const theirs = swap.get(String(node)) as string;
    return typeof node === 'number' && /^\d+$/.test(theirs) ? Number(theirs) : theirs;
  }
  return node;
}
