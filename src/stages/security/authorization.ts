import { isDeepStrictEqual } from 'node:util';
import { isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { headersForSchemes } from '../../http/session.ts';
import type { Operation } from '../../openapi/operations.ts';
import { buildRequest, readerOf, ResourceStore } from '../../openapi/plan.ts';
import { deepField, describeInvented, identifiersIn, isIdentifierKey, listItems } from '../../openapi/resources.ts';
import { succeeded, type Actor, type SecurityRun } from './_run.ts';
import { massAssignment } from './mass-assignment.ts';
import { referenceChecks } from './references.ts';

/** 403 or 404 (hiding that the resource exists) are the right answers to someone else's resource. */
const denied = (r: HttpResponse) => r.status === 403 || r.status === 404;
/** The owner got through to the resource: any answer but not-found, gone or refused (a 409 "tasks remain" too). */
const reaches = (r: HttpResponse) => r.status < 500 && ![401, 403, 404, 410].includes(r.status);

/**
 * Authorization between users: user B tries everything on user A's resources (broken object-level
 * authorization) and lists (leakage); a normal user tries the admin-only operations (broken
 * function-level authorization); privileged fields in bodies must be ignored (mass assignment).
 */
export async function authorizationChecks(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  await objectLevel(run, owner, other);
  await referenceChecks(run, owner, other);
  await listLeakage(run, owner, other);
  await functionLevel(run, other);
  await massAssignment(run, owner, other);
}

async function objectLevel(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  const onResources = run.userOperations().filter((op) => op.secured && op.parameters.some((p) => p.in === 'path'));
  // Everything else first, DELETE last (children first): a working DELETE would take the resource away from the others.
  const deletes = onResources.filter((op) => op.method === 'DELETE').sort((a, b) => b.path.length - a.path.length);
  const ordered = [...onResources.filter((op) => op.method !== 'DELETE'), ...deletes];
  for (const op of ordered) {
    const id = `security:authz:object:${op.id}`;
    const title = `another user cannot ${op.method} ${op.path} on someone else's resource`;
    const { path, invented } = owner.store.resolvePath(op, run.settings.seed);
    if (invented.length > 0) {
      run.skip(id, title, `no resource of the first user to try it on: ${describeInvented(invented)} (nothing the first user created resolves ${op.path})`);
      continue;
    }
    const gone = await objectCheck(run, { op, id, title, path }, owner, other);
    if (!gone) continue;
    // A's resource went away (an earlier check's DELETE, a rename): made again for this check, never a reason to skip.
    const fresh = { ...owner, store: await run.scratch(op, owner) };
    const again = fresh.store.resolvePath(op, run.settings.seed);
    const still = again.path !== path && again.resolved ? await objectCheck(run, { op, id, title, path: again.path }, fresh, other) : gone;
    if (still) run.skip(id, title, `${still}; a resource made again for this check did not help`);
  }
}

/** A POST/DELETE on a literal sub-path of a resource (…/{slug}/replies, …/{username}/follow): it may be a social action. */
const onSubPath = (op: Operation) => (op.method === 'POST' || op.method === 'DELETE') && !/^\{/.test(op.path.split('/').at(-1) ?? '') && op.parameters.some((p) => p.in === 'path');

/**
 * Which of user A's own identity values a path names, if any: the resource acted on is A. Its email,
 * username or phone anywhere; its id only right after a collection of people (`/users/7/follow`): a
 * number alone could be any resource's.
 */
function namesUser(path: string, owner: Actor): string | undefined {
  const segments = path.split('/').map((s) => decodeURIComponent(s));
  const named = Object.entries(owner.store.identity).find(([, v]) => v !== '' && segments.includes(v))?.[0];
  if (named) return named;
  const at = owner.id === undefined ? -1 : segments.indexOf(String(owner.id));
  return at > 0 && /^(users?|members?|profiles?|people|persons?|accounts?|authors?)$/i.test(segments[at - 1] as string) ? 'id' : undefined;
}

/**
 * User B's request on user A's resource, judged by its effect:
 * - a 403/404 counts as denied only while A still reaches the resource (A's own request is not refused or not found);
 * - a 2xx on a write is a finding; A's re-read tells whether A's resource really changed or only the status is wrong;
 * - a 2xx on a read is a finding unless the resource is public (an anonymous read gets it too);
 * - a social action (a reply, a like, a follow on a resource B can read) is B's own business unless
 *   `stages.security.authorization.ownerOnly` names it.
 */
async function objectCheck(run: SecurityRun, target: { op: Operation; id: string; title: string; path: string }, owner: Actor, other: Actor): Promise<string | void> {
  const { op, id, title, path } = target;
  const rules = run.settings.authorization;
  const reader = readerOf(op.path, run.operations);
  const readAs = async (actor: Actor | undefined) => (reader ? run.send({ ...buildRequest(reader, run.baseUrl, owner.store, actor?.session.headers ?? {}, run.settings.seed).request }) : undefined);
  // Meant to be done to other people's resources: B does it, and only a server error is a finding.
  const sharedBecause = rules.shared.includes(op.id)
    ? 'shared: stages.security.authorization.shared lets any user do it'
    : onSubPath(op) && !rules.ownerOnly.includes(op.id) && namesUser(path, owner)
      ? `a social action on a user: the path names user A by A's own ${namesUser(path, owner)}, so acting on A (a follow, a message, a block) makes B's own record; name it in stages.security.authorization.ownerOnly if only the owner may`
    : onSubPath(op) && !rules.ownerOnly.includes(op.id) && reader && readsSomething((await readAs(other)) as HttpResponse)
      ? `a social action: user B may read ${reader.id} of user A, so acting on it (a reply, a like, a follow) makes B's own record; name it in stages.security.authorization.ownerOnly if only the owner may`
      : undefined;
  if (sharedBecause) {
    const { request } = buildRequest(op, run.baseUrl, owner.store, other.session.headers, run.settings.seed + 7);
    const response = await run.send(request);
    if (isServerError(response)) return run.verdict(id, title, [`${sharedBecause}; but user B's ${op.method} ${path} answered ${response.status}: a server error`], { request, response });
    return run.add({ id, title, status: 'passed', message: `${sharedBecause} (user B got ${response.status})` });
  }
  const before = op.method === 'GET' ? undefined : await readAs(owner);
  // Another body than the owner's own (a fresh seed), so a write that went through shows in A's re-read.
  const { request } = buildRequest(op, run.baseUrl, owner.store, other.session.headers, run.settings.seed + 7);
  const response = await run.send(request);
  const problems: string[] = [];
  if (isServerError(response)) problems.push(`answered ${response.status}: a server error`);
  else if (denied(response)) {
    const control = op.method === 'GET' ? await run.send({ ...request, headers: { ...request.headers, ...headersForSchemes(owner.session.headers, op.schemes) } }) : await readAs(owner);
    // Gone: the caller makes A a fresh one and asks again.
    if (control && !reaches(control)) return `cannot tell: user B got ${response.status}, but user A's own ${op.method === 'GET' ? op.id : reader?.id} answers ${control.status} now too (the resource is gone or was renamed), so the ${response.status} proves no denial`;
  } else if (succeeded(response) && op.method === 'GET') {
    const anonymous = await run.send(withoutSession(request, other));
    if (succeeded(anonymous)) return run.add({ id, title, status: 'passed', message: `public: an anonymous ${op.method} ${path} gets ${anonymous.status} too` });
    // An empty answer (null, [], a list of nothing) shows B nothing of A's: no data crossed, whatever the status says.
    // Judged by what crossed: an answer with nothing of A's in it (empty, or none of the ids A's own read shows) leaks nothing.
    const own = await run.send({ ...withoutSession(request, other), headers: { ...withoutSession(request, other).headers, ...headersForSchemes(owner.session.headers, op.schemes) } });
    const mine = succeeded(own) ? identifiersIn(own.json) : new Set<string>();
    const seen = identifiersIn(response.json);
    // What B's read of its own resource shows too is structure (column names, shared catalogue ids), not A's:
    // read only when something of A's may have crossed.
    const mayHaveCrossed = [...mine].some((v) => seen.has(v));
    const ownOfB = mayHaveCrossed ? await run.send(buildRequest(op, run.baseUrl, other.store, other.session.headers, run.settings.seed).request) : undefined;
    const structural = ownOfB && succeeded(ownOfB) ? identifiersIn(ownOfB.json) : new Set<string>();
    const crossed = [...mine].filter((v) => seen.has(v) && !structural.has(v));
    if (emptyAnswer(response.json) || (mine.size > 0 && crossed.length === 0)) {
      if (succeeded(own) && !emptyAnswer(own.json)) return run.add({ id, title, status: 'passed', message: `user B got ${response.status} with nothing of user A's in it (none of what A's own read shows): nothing crossed` });
      return run.skip(id, title, `cannot tell: user B got ${response.status} with nothing in it, and user A's own read answers ${own.status}${succeeded(own) ? ' with nothing in it either' : ''}, so there was nothing to leak`);
    }
    problems.push(`user B got ${response.status} on user A's ${path} (which an anonymous request cannot read: ${anonymous.status}): broken object-level authorization`);
  } else if (succeeded(response)) {
    const after = before && succeeded(before) ? await readAs(owner) : undefined;
    if (!after || !before) problems.push(`user B got ${response.status} on user A's ${path}: broken object-level authorization`);
    else if (!succeeded(after)) problems.push(`user B's ${op.method} ${path} answered ${response.status} and user A's ${reader?.id} now answers ${after.status}: B ${op.method === 'DELETE' ? 'deleted' : 'changed or moved'} A's resource (broken object-level authorization)`);
    else if (!isDeepStrictEqual(before.json, after.json)) problems.push(`user B's ${op.method} ${path} answered ${response.status} and changed user A's resource (A's ${reader?.id} shows it): broken object-level authorization`);
    else problems.push(`user B's ${op.method} ${path} answered ${response.status}, though user A's resource is unchanged (A's ${reader?.id} reads the same): a wrong status, expected 403 or 404`);
  } else if (response.status >= 400 && response.status < 500 && op.method !== 'GET' && before && succeeded(before)) {
    // Refused with another 4xx (422 "account not found"): judged by its effect on A's resource.
    const after = await readAs(owner);
    if (after && succeeded(after) && isDeepStrictEqual(before.json, after.json)) return run.skip(id, title, `cannot tell: user B got ${response.status} (not 403 or 404) and user A's resource is unchanged, so B was refused, but perhaps before any ownership check`);
    problems.push(`user B's ${op.method} ${path} answered ${response.status} and user A's ${reader?.id} now answers ${after?.status ?? 'nothing'}${after && succeeded(after) ? ' with other content' : ''}: B changed A's resource (broken object-level authorization)`);
  } else if (response.status >= 400 && response.status < 500 && op.method === 'GET') {
    return run.skip(id, title, `cannot tell: user B got ${response.status} (not 403 or 404), which shows nothing of A's, but perhaps before any ownership check`);
  } else if (response.status < 500) {
    // No GET shows A's resource, or no answer (a hang has its own finding): nothing to judge the effect by.
    return run.skip(id, title, `cannot tell: user B got ${response.status || 'no answer'} (not 403 or 404)${reader ? '' : ', and no GET shows A\'s resource to see what it did'}`);
  } else problems.push(`answered ${response.status}; expected 403 or 404 (with another status the check cannot tell whether B reached A's resource)`);
  run.verdict(id, title, problems, { request, response });
}

/** The same request without the actor's session headers: what an anonymous caller gets. */
function withoutSession(request: HttpRequest, actor: Actor): HttpRequest {
  const session = new Set(Object.keys(actor.session.headers).map((k) => k.toLowerCase()));
  return { ...request, headers: Object.fromEntries(Object.entries(request.headers).filter(([k]) => !session.has(k.toLowerCase()))) };
}

/** Every id, slug and username of what user A created, and A's own. */
function idsOf(actor: Actor): string[] {
  const ids = identifiersIn(actor.store.created().map((c) => c.object));
  if (actor.id) ids.add(actor.id);
  // Short values (a numeric id 7, a name "Ann") would match by chance anywhere in another page.
  return [...ids].filter((v) => v.length >= 6);
}

/**
 * Search and filter terms from user A's resources for a list's string query parameters: A's own
 * field of that name, else a word of the text of what A created in that list's collection (else anywhere).
 */
function termsFor(op: Operation, owner: Actor): Record<string, string>[] {
  const created = owner.store.created();
  const objects = [...created.filter((c) => c.template === op.path), ...created.filter((c) => c.template !== op.path)].map((c) => c.object);
  const texts = objects.flatMap((o) => Object.entries(o).filter(([k, v]) => typeof v === 'string' && v.length >= 4 && !isIdentifierKey(k) && !/(at|date|time)$/i.test(k)).map(([, v]) => v as string));
  // A whole word of A's text when there is one, else the start of the text itself.
  const word = texts.flatMap((t) => t.split(/\s+/)).find((w) => /^[\p{L}\p{N}]{4,}$/u.test(w)) ?? texts[0]?.trim().slice(0, 20);
  const variants: Record<string, string>[] = [];
  for (const p of op.parameters.filter((q) => q.in === 'query' && (q.schema.type === 'string' || q.schema.type === undefined) && !q.schema.enum)) {
    const own = objects.map((o) => deepField(o, p.name)).find((v) => v !== undefined);
    const value = own === undefined ? word : String(own);
    if (value) variants.push({ [p.name]: value.slice(0, typeof p.schema.maxLength === 'number' ? p.schema.maxLength : undefined) });
  }
  return variants;
}

async function listLeakage(run: SecurityRun, owner: Actor, other: Actor): Promise<void> {
  // What B's own resources carry too (the same generated name) is B's, not a leak of A's.
  const theirs = new Set(idsOf(other));
  const ownerIds = idsOf(owner).filter((v) => !theirs.has(v));
  const lists = run.userOperations().filter((op) => op.method === 'GET' && op.secured && !op.parameters.some((p) => p.in === 'path'));
  for (const op of lists) {
    const id = `security:authz:list:${op.id}`;
    const { request } = buildRequest(op, run.baseUrl, other.store, other.session.headers, run.settings.seed);
    // Only the required query parameters: a generated filter could hide a leak.
    const url = new URL(request.url);
    for (const p of op.parameters.filter((q) => q.in === 'query' && !q.required)) url.searchParams.delete(p.name);
    const plain = { ...request, url: url.toString() };
    // Then searches and filters with terms from A's resources: B must find none of them either.
    const searches = termsFor(op, owner).map((terms) => {
      const u = new URL(plain.url);
      for (const [k, v] of Object.entries(terms)) u.searchParams.set(k, v);
      return { ...plain, url: u.toString() };
    });
    const problems: string[] = [];
    let failing: { request: HttpRequest; response: HttpResponse } | undefined;
    let last: { request: HttpRequest; response: HttpResponse } | undefined;
    for (const attempt of [plain, ...searches]) {
      const response = await run.send(attempt);
      last = { request: attempt, response };
      // A public list (an anonymous request sees the same) is no leak.
      const leaked = ownerIds.filter((value) => response.text.includes(value));
      if (leaked.length === 0) continue;
      const anonymous = await run.send(withoutSession(attempt, other));
      if (succeeded(anonymous) && leaked.every((v) => anonymous.text.includes(v))) continue;
      const query = new URL(attempt.url).search;
      problems.push(`user B's ${op.id}${query ? ` with ${decodeURIComponent(query)}` : ''} contains ${leaked.length} identifier(s) of user A's resources (${leaked.slice(0, 3).join(', ')})`);
      failing ??= last;
    }
    run.verdict(id, `${op.id} shows another user none of the first user's data, also when searching with the first user's terms`, problems, failing ?? last);
  }
}

/**
 * A normal user calls every admin-only operation. One on a resource (`/admin/users/{id}`) is sent to
 * a real one: what the admin-only lists show the admin, else one of the user's own; never a made-up
 * id, whose 404 would prove nothing (skipped with the reason). The admin's answer to the same request
 * is the control: a 404 for the user is a denial only when the admin does reach the resource.
 */
async function functionLevel(run: SecurityRun, other: Actor): Promise<void> {
  const adminOps = run.adminOperations();
  const seed = run.settings.seed;
  const adminActor = await run.adminActor();
  const admin = adminActor?.session;
  const seenByAdmin = adminActor?.store ?? new ResourceStore();
  for (const op of adminOps) {
    const id = `security:authz:admin:${op.id}`;
    const title = `a normal user cannot call the admin-only ${op.id}`;
    const onResource = op.parameters.some((p) => p.in === 'path');
    const store = onResource && seenByAdmin.resolvePath(op, seed).resolved ? seenByAdmin : other.store;
    const { invented } = store.resolvePath(op, seed);
    if (invented.length > 0) {
      run.skip(id, title, `no real resource to try it on: ${describeInvented(invented)} (${admin ? 'the admin-only lists and creations show none either' : 'set stages.security.admin.credentials so the admin-only lists can show one'}); a 404 on a made-up value would prove nothing`);
      continue;
    }
    const { request } = buildRequest(op, run.baseUrl, store, other.session.headers, seed);
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
      else if (response.status === 404 && onResource && !reaches(r)) {
        run.skip(id, title, `cannot tell: the normal user got 404, and the admin gets ${r.status} on the same resource too`);
        continue;
      }
    }
    run.verdict(id, title, problems, { request, response });
  }
}

/** An answer that carries nothing: no body, null, an empty array or object, a list envelope with no items. */
function emptyAnswer(json: unknown): boolean {
  if (json === undefined || json === null || json === '') return true;
  if (Array.isArray(json)) return json.length === 0;
  if (typeof json !== 'object') return false;
  if (Object.keys(json).length === 0) return true;
  const items = listItems(json);
  return items !== undefined && items.length === 0 && Object.values(json).every((v) => Array.isArray(v) || typeof v === 'number' || v === null);
}

/** A 2xx with content: what "B may read it" means (a 200 with nothing in it shows B nothing). */
const readsSomething = (r: HttpResponse) => succeeded(r) && !emptyAnswer(r.json);
