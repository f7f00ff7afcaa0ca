import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import type { Way } from './_reach.ts';
import { withFields } from '../../openapi/learned.ts';

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
  return withFields({ ...request, headers }, way.fields, way.query, way.drop);
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
