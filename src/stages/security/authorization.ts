import { isDeepStrictEqual } from 'node:util';
import { isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { authRequest, createSession, freshCredentials, login, readPath } from '../../http/session.ts';
import { buildRequest } from '../../openapi/plan.ts';
import { succeeded, type Actor, type SecurityRun } from './_run.ts';

/** 403 or 404 (hiding that the resource exists) are the right answers to someone else's resource. */
const denied = (r: HttpResponse) => r.status === 403 || r.status === 404;

/**
 * Authorization between users: user B tries everything on user A's resources (broken object-level
 * authorization) and lists (leakage); a normal user tries the admin-only operations (broken
 * function-level authorization); privileged fields in bodies must be ignored (mass assignment).
 */
export async function authorizationChecks(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  await objectLevel(run, owner, other);
  await listLeakage(run, owner, other);
  await functionLevel(run, other);
  await massAssignment(run, owner, other);
}

async function objectLevel(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  const onResources = run.userOperations().filter((op) => op.secured && op.parameters.some((p) => p.in === 'path'));
  // Everything else first, DELETE last: a working DELETE would take the resource away from the others.
  const ordered = [...onResources.filter((op) => op.method !== 'DELETE'), ...onResources.filter((op) => op.method === 'DELETE')];
  for (const op of ordered) {
    const id = `security:authz:object:${op.id}`;
    const title = `another user cannot ${op.method} ${op.path} on someone else's resource`;
    const { path, resolved } = owner.store.resolvePath(op, run.settings.seed);
    if (!resolved) {
      run.skip(id, title, `no resource of the first user to try it on: nothing the API created resolves ${op.path}`);
      continue;
    }
    const { request } = buildRequest(op, run.baseUrl, owner.store, other.session.headers, run.settings.seed);
    const response = await run.send(request);
    const problems: string[] = [];
    if (succeeded(response)) problems.push(`user B got ${response.status} on user A's ${path}: broken object-level authorization`);
    else if (isServerError(response)) problems.push(`answered ${response.status}: a server error`);
    else if (!denied(response)) problems.push(`answered ${response.status}; expected 403 or 404 (with another status the check cannot tell whether B reached A's resource)`);
    run.verdict(id, title, problems, { request, response });
  }
}

/** Every id of a resource user A created. */
function idsOf(actor: Actor): string[] {
  const ids = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'id' && (typeof value === 'string' || typeof value === 'number') && String(value).length >= 6) ids.add(String(value));
        else walk(value);
      }
    }
  };
  walk(actor.store.created().map((c) => c.object));
  if (actor.id) ids.add(actor.id);
  return [...ids];
}

async function listLeakage(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  const ownerIds = idsOf(owner);
  const lists = run.userOperations().filter((op) => op.method === 'GET' && op.secured && !op.parameters.some((p) => p.in === 'path'));
  for (const op of lists) {
    const id = `security:authz:list:${op.id}`;
    const { request } = buildRequest(op, run.baseUrl, other.store, other.session.headers, run.settings.seed);
    // Only the required query parameters: a generated filter could hide a leak.
    const url = new URL(request.url);
    for (const p of op.parameters.filter((q) => q.in === 'query' && !q.required)) url.searchParams.delete(p.name);
    const plain = { ...request, url: url.toString() };
    const response = await run.send(plain);
    const leaked = ownerIds.filter((value) => response.text.includes(value));
    run.verdict(id, `${op.id} shows another user none of the first user's data`, leaked.length ? [`user B's ${op.id} contains ${leaked.length} id(s) of user A's resources (${leaked.slice(0, 3).join(', ')})`] : [], { request: plain, response });
  }
}

async function functionLevel(run: SecurityRun, other: Actor): Promise<void> {
  const adminOps = run.adminOperations();
  const credentials = run.settings.admin.credentials;
  const admin = credentials && run.auth ? await createSession(run.auth, run.baseUrl, run.settings.seed, { credentials, existingOk: true }) : undefined;
  for (const op of adminOps) {
    const id = `security:authz:admin:${op.id}`;
    const title = `a normal user cannot call the admin-only ${op.id}`;
    const { request } = buildRequest(op, run.baseUrl, other.store, other.session.headers, run.settings.seed);
    const response = await run.send(request);
    const problems: string[] = [];
    if (succeeded(response)) problems.push(`a normal user got ${response.status}: broken function-level authorization`);
    else if (isServerError(response)) problems.push(`answered ${response.status}: a server error`);
    else if (![401, 403, 404].includes(response.status)) problems.push(`answered ${response.status}; expected 403`);
    if (problems.length === 0 && admin) {
      // The control: an admin is let through (any answer but 401/403), so the 403 above is about the role.
      const asAdmin = { ...request, headers: { ...request.headers, ...admin.headers } };
      const r = await run.send(asAdmin);
      if (r.status === 401 || r.status === 403) problems.push(`the configured admin (stages.security.admin.credentials) is refused too (${r.status}), so the check cannot tell the role matters: make that user an admin in the target's test setup`);
    }
    run.verdict(id, title, problems, { request, response });
  }
}

async function massAssignment(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  const auth = run.auth;
  const register = auth?.register ? run.operations.find((op) => op.method === auth.register?.method && op.path === auth.register.path) : undefined;
  const writers = [...(register ? [register] : []), ...run.userOperations().filter((op) => ['POST', 'PUT', 'PATCH'].includes(op.method) && op.body?.media.some((m) => /json/.test(m.contentType) && (m.schema?.type === 'object' || m.schema?.properties)))];
  const fields = Object.entries(run.settings.massAssignment.fields).map(([name, value]) => [name, value === '{{otherUserId}}' ? other.id : value] as const);
  for (const op of writers) {
    const id = `security:authz:mass-assignment:${op.id}`;
    const problems: string[] = [];
    let failing: { request: HttpRequest; response: HttpResponse } | undefined;
    for (const [field, value] of fields) {
      if (value === undefined) continue;
      const credentials = freshCredentials(run.settings.seed, 'mass');
      const base: HttpRequest =
        op === register && auth?.register
          ? authRequest(auth.register, run.baseUrl, { ...credentials })
          : buildRequest(op, run.baseUrl, owner.store, owner.session.headers, run.settings.seed).request;
      const body = base.body && 'json' in base.body && base.body.json && typeof base.body.json === 'object' ? (base.body.json as Record<string, unknown>) : {};
      const request = { ...base, body: { json: { ...body, [field]: value } } };
      const response = await run.send(request);
      if (!succeeded(response)) continue; // refused (e.g. an unknown field): nothing was assigned
      const echoed = (json: unknown) => isDeepStrictEqual(readPath(json, field), value) || isDeepStrictEqual(readPath(json, `user.${field}`), value);
      if (echoed(response.json)) {
        problems.push(`"${field}": ${JSON.stringify(value)} in the body was accepted and stored (the response shows it)`);
        failing ??= { request, response };
      } else if (op === register && auth && run.probe) {
        // What the new user looks like once logged in.
        const session = await login(auth, run.baseUrl, credentials).catch(() => undefined);
        const me = session ? await run.send(run.probeRequest(session.headers)) : undefined;
        if (me && echoed(me.json)) {
          problems.push(`"${field}": ${JSON.stringify(value)} in the registration body was stored (${run.probe.id} shows it)`);
          failing ??= { request, response: me };
        }
      }
    }
    run.verdict(id, `${op.id} ignores or refuses privileged fields (${fields.map(([f]) => f).join(', ')})`, problems, failing);
  }
}

