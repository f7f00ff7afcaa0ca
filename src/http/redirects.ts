import type { HttpRequest, HttpResponse } from './send.ts';

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
