import type { HttpRequest } from '../../http/send.ts';
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
