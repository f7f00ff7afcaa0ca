import { isDeepStrictEqual } from 'node:util';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { authRequest, freshCredentials, login, readPath } from '../../http/session.ts';
import { buildRequest } from '../../openapi/plan.ts';
import { describeInvented, unwrapEnvelope } from '../../openapi/resources.ts';
import { succeeded, type Actor, type SecurityRun } from './_run.ts';

/**
 * Mass assignment: privileged fields (stages.security.massAssignment.fields) added one at a time to
 * every create/update body, registration included; each must be refused or ignored, in the answer
 * and in what the user looks like afterwards.
 */
export async function massAssignment(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  const auth = run.auth;
  const register = auth?.register ? run.operations.find((op) => op.method === auth.register?.method && op.path === auth.register.path) : undefined;
  const writers = [...(register ? [register] : []), ...run.userOperations().filter((op) => ['POST', 'PUT', 'PATCH'].includes(op.method) && op.body?.media.some((m) => /json/.test(m.contentType) && (m.schema?.type === 'object' || m.schema?.properties)))];
  const fields = Object.entries(run.settings.massAssignment.fields).map(([name, value]) => [name, value === '{{otherUserId}}' ? other.id : value] as const);
  for (const op of writers) {
    const id = `security:authz:mass-assignment:${op.id}`;
    const problems: string[] = [];
    let failing: { request: HttpRequest; response: HttpResponse } | undefined;
    let unreachable: string | undefined;
    for (const [field, value] of fields) {
      if (value === undefined) continue;
      const credentials = freshCredentials(run.settings.seed, 'mass');
      const built = op === register ? undefined : buildRequest(op, run.baseUrl, owner.store, owner.session.headers, run.settings.seed);
      if (built && built.invented.length > 0) {
        unreachable = describeInvented(built.invented);
        break;
      }
      const registration = auth?.register;
      const base: HttpRequest | undefined = built?.request ?? (registration ? authRequest(registration, run.baseUrl, { ...credentials }) : undefined);
      if (!base) continue;
      const body = base.body && 'json' in base.body && base.body.json && typeof base.body.json === 'object' ? (base.body.json as Record<string, unknown>) : {};
      const request = { ...base, body: { json: withField(body, field, value) } };
      const response = await run.send(request);
      if (!succeeded(response)) continue; // refused (e.g. an unknown field): nothing was assigned
      const echoed = (json: unknown) => [json, unwrapEnvelope(json)].some((node) => isDeepStrictEqual(readPath(node, field), value) || isDeepStrictEqual(readPath(node, `user.${field}`), value));
      if (echoed(response.json)) {
        problems.push(`"${field}": ${JSON.stringify(value)} in the body was accepted and stored (the response shows it)`);
        failing ??= { request, response };
      } else if (op === register && auth && run.probe && run.probeIsSelf) {
        // What the new user looks like once logged in.
        const session = await login(auth, run.baseUrl, credentials).catch(() => undefined);
        const me = session ? await run.send(run.probeRequest(session.headers)) : undefined;
        if (me && echoed(me.json)) {
          problems.push(`"${field}": ${JSON.stringify(value)} in the registration body was stored (${run.probe.id} shows it)`);
          failing ??= { request, response: me };
        }
      }
    }
    const title = `${op.id} ignores or refuses privileged fields (${fields.map(([f]) => f).join(', ')})`;
    if (unreachable) run.skip(id, title, `no resource of the first user to send it to: ${unreachable}, and its 404 would prove nothing`);
    else run.verdict(id, title, problems, failing);
  }
}


/**
 * The body with one more field, where the fields live: inside the wrapper of a body wrapped in one
 * key (`{ "post": { "title" } }` gets `{ "post": { "title", "role" } }`), else at the top level.
 */
function withField(body: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const keys = Object.keys(body);
  const inner = keys.length === 1 ? body[keys[0] as string] : undefined;
  if (inner && typeof inner === 'object' && !Array.isArray(inner)) return { [keys[0] as string]: { ...(inner as Record<string, unknown>), [field]: value } };
  return { ...body, [field]: value };
}
