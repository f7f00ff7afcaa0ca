import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import type { Way } from './_reach.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A valid request sent the way its operation was reached: with the user's session, the admin's, or
 * none, and with the body fields a validation error taught (inside the body's one-key wrapper when
 * it has one).
 */
export function withWay(request: HttpRequest, way: Way, user: Record<string, string>, admin: Record<string, string> | undefined): HttpRequest {
  const headers = { ...request.headers };
  for (const key of [...Object.keys(user), ...Object.keys(admin ?? {})]) delete headers[key];
  if (way.as === 'user') Object.assign(headers, user);
  if (way.as === 'admin') Object.assign(headers, admin ?? user);
  let body = request.body;
  if (Object.keys(way.fields).length && body && 'json' in body) {
    const json = body.json;
    const keys = isRecord(json) ? Object.keys(json) : [];
    const wrapper = keys.length === 1 && isRecord((json as Record<string, unknown>)[keys[0] as string]) ? (keys[0] as string) : undefined;
    if (wrapper) body = { json: { [wrapper]: { ...((json as Record<string, Record<string, unknown>>)[wrapper] as object), ...way.fields } } };
    else body = { json: { ...(isRecord(json) ? json : {}), ...way.fields } };
  }
  let url = request.url;
  if ((way.query && Object.keys(way.query).length) || way.drop?.length) {
    const u = new URL(url);
    for (const [k, v] of Object.entries(way.query ?? {})) u.searchParams.set(k, v);
    for (const k of way.drop ?? []) u.searchParams.delete(k);
    url = u.toString();
  }
  return { ...request, url, headers, ...(body ? { body } : {}) };
}

/**
 * The request, following the target's redirects on its own origin (`/recipes` → `/recipes/`, as
 * Django and gin answer): the same method and body on 307/308 and on 301/302 (an API's redirect
 * between slash forms means the same operation), a GET on 303. At most three hops.
 */
export async function sendFollowing(request: HttpRequest, send: (r: HttpRequest) => Promise<HttpResponse>): Promise<{ request: HttpRequest; response: HttpResponse; tried: string[] }> {
  let current = request;
  const tried: string[] = [];
  for (let hop = 0; ; hop++) {
    const response = await send(current);
    const location = response.headers.get('location');
    if (hop >= 3 || ![301, 302, 303, 307, 308].includes(response.status) || !location) return { request: current, response, tried };
    const next = new URL(location, current.url);
    if (next.origin !== new URL(current.url).origin) return { request: current, response, tried };
    tried.push(`followed ${response.status} to ${next.pathname}`);
    const { body, ...rest } = current;
    current = response.status === 303 ? { ...rest, method: 'GET', url: next.toString() } : { ...current, url: next.toString() };
    void body;
  }
}
