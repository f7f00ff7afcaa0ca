import type { HttpResponse } from '../../http/send.ts';
import { buildRequest, withoutOptionalQuery } from '../../openapi/plan.ts';
import { succeeded, type Actor, type SecurityRun } from './_run.ts';

/**
 * Another user's private data in what a user reads (issue #26's sixth property): every GET a normal
 * user may call (no path parameters, or parameters its own resources fill) is read as user B, and its
 * answer must not carry user A's access or refresh token, A's email or phone (`{{phone}}` in the
 * sign-up body), or the admin's email. The
 * admin-only operations are left out: an admin view may show emails. An email that the API shows
 * by design (a team directory) is accepted by naming the operation in
 * `stages.security.authorization.shared`. B's own values never count. `security:exposure:<op>`.
 */
export async function exposureChecks(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  const admin = await run.adminActor();
  const secrets: [string, string][] = [
    [owner.session.token, "user A's access token"],
    [owner.session.refreshToken ?? '', "user A's refresh token"],
    [owner.session.credentials.email, "user A's email"],
    [owner.session.credentials.phone ?? '', "user A's phone"],
    [admin?.session.credentials.email ?? '', "the admin's email"],
  ];
  const own = new Set([other.session.token, other.session.refreshToken, other.session.credentials.email, other.session.credentials.phone].filter(Boolean).map((v) => String(v).toLowerCase()));
  const theirs = secrets.filter(([value]) => value.length >= 6 && !own.has(value.toLowerCase()));
  const shared = new Set(run.settings.authorization.shared);
  for (const op of run.userOperations().filter((o) => o.method === 'GET' && !shared.has(o.id))) {
    const built = buildRequest(op, run.baseUrl, other.store, other.session.headers, run.settings.seed);
    if (built.invented.length > 0) continue; // a made-up id reads nothing of anyone's
    // A list read whole: a generated filter or search term would show nothing of anyone's.
    const request = withoutOptionalQuery(op, built.request);
    const response = await run.send(request);
    if (!succeeded(response)) continue;
    const id = `security:exposure:${op.id}`;
    const title = `${op.id} shows a user nothing private of another user's (tokens, email, phone)`;
    run.verdict(id, title, leaks(response, theirs, op.id), { request, response });
  }
}

function leaks(response: HttpResponse, secrets: [string, string][], op: string): string[] {
  const text = response.text.toLowerCase();
  return secrets
    .filter(([value]) => text.includes(value.toLowerCase()))
    .map(([, what]) => `user B's ${op} shows ${what}: another user's ${what.includes('token') ? 'credential: whoever reads it acts as them' : 'private field (name the operation in stages.security.authorization.shared if the API shows it by design)'}`);
}
