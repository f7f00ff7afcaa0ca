import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../../config/load.ts';
import { curl, requestsSent, send as sendRequest, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { sendFollowing } from '../../http/redirects.ts';
import { createSession, headersForSchemes, identityFields, type AuthConfig, type Session } from '../../http/session.ts';
import { logger } from '../../log/logger.ts';
import type { Operation } from '../../openapi/operations.ts';
import { AnswerLedger } from './_answers.ts';
import { adminCredentials, adminSession } from '../contract/_auth-flow.ts';
import { buildRequest, endsSession, looksAdminOnly, orderOperations, ResourceStore, unwrapEnvelope } from '../../openapi/plan.ts';
import { lastWord, referenceOf, stemOf, trimSlash } from '../../openapi/resources.ts';
import { replayable } from '../../reproduce/reproduce.ts';
import type { CheckResult } from '../../results/types.ts';
import type { StageContext } from '../types.ts';

export type SecuritySettings = ResolvedConfig['stages']['security'];

const log = logger('stage');

/** A test user of the security stage, with the resources it created. */
export interface Actor {
  label: string;
  session: Session;
  store: ResourceStore;
  /** The user's id, when the probe operation's response carries one. */
  id: string | undefined;
}

/** What every check group of the security stage shares. */
export class SecurityRun {
  private readonly sentBefore = requestsSent();
  readonly checks: CheckResult[] = [];
  readonly baseUrl: string;
  readonly settings: SecuritySettings;

  constructor(
    readonly context: StageContext,
    readonly operations: Operation[],
    /** A secured operation whose 2xx proves a token works. */
    readonly probe: Operation | undefined,
    openapiVersion = '3.0.3',
  ) {
    this.baseUrl = context.target.url;
    this.settings = context.config.stages.security;
    this.answers = new AnswerLedger(operations, openapiVersion);
  }

  private readonly answers: AnswerLedger;

  get auth(): AuthConfig | undefined {
    return this.context.config.target.auth;
  }

  /**
   * Sends, following the target's redirects on its own origin (`/accounts` → `/accounts/`): a
   * redirect reaches no code to judge. Every answer counts toward the run's API coverage, and is
   * judged against the document where it documents that status (see answersChecks).
   */
  readonly send = async (request: HttpRequest): Promise<HttpResponse> => {
    const { request: sent, response } = await sendFollowing(request, sendRequest);
    this.answers.observe(sent, response);
    return response;
  };

  /** One deviation per operation whose answers to this stage's requests are not what the document says. */
  answersChecks(): void {
    for (const { operation: id, problems, request, response } of this.answers.deviations()) {
      this.verdict(`security:${id}:answers`, `${id} answers the security stage's requests as documented`, problems, { request, response });
    }
  }

  /** Every request of the stage, the auth flow's included. */
  get requests(): number {
    return requestsSent() - this.sentBefore;
  }

  add(check: Omit<CheckResult, 'stage'>): void {
    const full = { ...check, stage: 'security' };
    this.checks.push(full);
    this.context.onCheck(full);
  }

  /** Passed when there are no problems; otherwise failed with the problems and the reproduction. */
  verdict(id: string, title: string, problems: string[], evidence?: { request?: HttpRequest; response?: HttpResponse; [key: string]: unknown }): void {
    if (problems.length === 0) {
      this.add({ id, title, status: 'passed' });
      return;
    }
    const { request, response, ...rest } = evidence ?? {};
    replayable(id, request, response);
    const lines = [...problems];
    if (request) lines.push(`reproduce: ${curl(request)}`);
    if (response) lines.push(`response: ${response.status} ${response.text.slice(0, 400)}`);
    this.add({
      id,
      title,
      status: 'failed',
      message: lines.join('\n'),
      evidence: { ...rest, ...(request ? { request: curl(request) } : {}), ...(response ? { status: response.status, body: response.text.slice(0, 2_000) } : {}) },
    });
  }

  skip(id: string, title: string, reason: string): void {
    this.add({ id, title, status: 'skipped', message: reason });
  }

  operation(id: string): Operation | undefined {
    return this.operations.find((op) => op.id === id);
  }

  isAuthOperation(op: Operation): boolean {
    const a = this.auth;
    return [a?.register, a?.login, a?.refresh, a?.logout, a?.deleteAccount, a?.changePassword].some((spec) => spec !== undefined && spec.path === op.path && spec.method === op.method);
  }

  /** Admin-only operations: configured, or every operation that documents a 403 other than an owner's check (looksAdminOnly). */
  adminOperations(): Operation[] {
    const configured = this.settings.admin.operations;
    if (configured) return this.operations.filter((op) => configured.includes(op.id));
    return this.operations.filter((op) => looksAdminOnly(op, this.operations));
  }

  /** Operations a normal user works with: not the auth flow, not admin-only, not ending the session. */
  userOperations(): Operation[] {
    const admin = new Set(this.adminOperations());
    return this.operations.filter((op) => !admin.has(op) && !this.isAuthOperation(op) && !endsSession(op));
  }

  /** A fresh user that has created one of everything a user can create (for paths like /things/{id}). */
  async actor(label: string): Promise<Actor> {
    if (!this.auth) throw new Error('actor() needs target.auth');
    const session = await createSession(this.auth, this.baseUrl, this.settings.seed, { label });
    const store = new ResourceStore();
    store.self = session.userId;
    store.identity = identityFields(session);
    let id: string | undefined;
    if (this.probe && this.probeIsSelf) {
      // The user's own account ({ "user": { "username" } }): what a `{username}` of this user resolves to.
      const r = await this.send(this.probeRequest(session.headers));
      const me = unwrapEnvelope(r.json);
      if (r.status < 300 && me && typeof me === 'object' && !Array.isArray(me)) {
        store.adopt(this.probe.path, me as Record<string, unknown>);
        const value = (me as Record<string, unknown>).id;
        if (typeof value === 'string' || typeof value === 'number') {
          id = String(value);
          store.self = value;
        }
      }
    }
    // Each actor's own data (titles, names, slugs): two users creating the same unique title is a collision, not a test.
    const seed = this.settings.seed + actorSeed(label);
    // Two of what a body references twice (a transfer from one account to another), one of the rest.
    const paired = pairedStems(this.userOperations());
    for (const op of this.creators()) {
      for (let n = paired.has(stemOf(lastWord(op.path))) ? 2 : 1, i = 0; i < n; i++) {
        const { request } = buildRequest(op, this.baseUrl, store, session.headers, seed + i);
        store.remember(op, await this.send(request), request);
      }
    }
    return { label, session, store, id };
  }

  /** What a user creates, in the order references need (stages.security.creates when configured). */
  creators(): Operation[] {
    const configured = this.settings.creates;
    return configured ? this.operations.filter((op) => configured.includes(op.id)) : orderOperations(this.userOperations(), []).filter((op) => op.method === 'POST');
  }

  /**
   * A copy of the actor's store with a resource made for one probe: the creation of the collection
   * the operation's last path parameter names (its own parents resolved from what the actor has).
   * A credential variant or a DELETE that gets through then destroys that one, never what other
   * checks rely on. When nothing creates it, the copy resolves to the actor's own resource.
   */
  async scratch(op: Operation, actor: Actor, creators = this.creators()): Promise<ResourceStore> {
    const store = actor.store.clone();
    await this.makeFor(op, store, actor.session.headers, creators, 0);
    return store;
  }

  /** Creates, in `store`, what the operation's last path parameter names; first its creator's own parents when the store has none (a list before an item). */
  private async makeFor(op: Operation, store: ResourceStore, headers: Record<string, string>, creators: Operation[], depth: number): Promise<void> {
    const segments = trimSlash(op.path).split('/');
    const last = segments.findLastIndex((s) => s.startsWith('{'));
    if (last < 0 || depth > 3) return;
    const collection = segments.slice(0, last).join('/');
    // The collection's own creation, else one of a collection of that name: under a parent first
    // (items created under /lists/{id}/items for /items/{id}), until one gets a 2xx.
    const nested = (c: Operation) => Number(c.parameters.some((p) => p.in === 'path'));
    const posts = creators.filter((c) => c.method === 'POST');
    const exact = posts.filter((c) => trimSlash(c.path) === collection);
    const named = posts.filter((c) => !exact.includes(c) && stemOf(lastWord(c.path)) === stemOf(lastWord(collection))).sort((a, b) => nested(b) - nested(a));
    for (const creator of [...exact, ...named].slice(0, 3)) {
      if (!store.resolvePath(creator, this.settings.seed).resolved) await this.makeFor(creator, store, headers, creators, depth + 1);
      const { request } = buildRequest(creator, this.baseUrl, store, headers, this.settings.seed + 31 + this.scratches++);
      const response = await this.send(request);
      store.remember(creator, response, request);
      if (response.status < 300) return;
      log('no fresh resource for %s: %s answered %d', op.id, creator.id, response.status);
    }
  }

  private scratches = 0;
  /** Injection requests sent so far (stages.security.injection.maxRequests is the stage's budget). */
  injectionSent = 0;

  /** A probe that reads the user's own account (no path parameters): what `GET /me` shows. */
  get probeIsSelf(): boolean {
    return this.probe !== undefined && !this.probe.parameters.some((p) => p.in === 'path');
  }

  /** Resolves the probe's path parameters when it has some: the first user's resources. */
  probeStore = new ResourceStore();

  probeRequest(headers: Record<string, string>, store = this.probeStore): HttpRequest {
    const probe = this.probe;
    if (!probe) throw new Error('no probe operation');
    // A session's headers for the probe's own scheme (a Token-only route among Basic ones).
    if (this.probeIsSelf) return { method: probe.method, url: `${this.baseUrl}${probe.path}`, headers: headersForSchemes(headers, probe.schemes) };
    return buildRequest(probe, this.baseUrl, store, headers, this.settings.seed).request;
  }

  /**
   * The probe for a session of its own (a user about to log out or be deleted), with the control
   * answer before anything is done to the token: a probe on a resource gets one the session itself
   * created. A control that is not 2xx means the probe cannot tell a refused token from anything else.
   */
  async sessionProbe(session: Session): Promise<{ request: HttpRequest; control: HttpResponse }> {
    const store = new ResourceStore();
    store.self = session.userId;
    store.identity = identityFields(session);
    const own = this.probe && !this.probeIsSelf ? await this.scratch(this.probe, { label: 'probe', session, store, id: undefined }) : store;
    const request = this.probeRequest(session.headers, own);
    return { request, control: await this.send(request) };
  }

  private admin: Promise<Actor | undefined> | undefined;

  /**
   * The configured admin (stages.security.admin.credentials, else stages.e2e.admin), with what the
   * admin-only lists show and what the admin-only creations made: the identity that exercises the
   * operations a normal user may not call. Undefined when none is configured or it cannot log in.
   */
  adminActor(): Promise<Actor | undefined> {
    this.admin ??= this.makeAdmin();
    return this.admin;
  }

  private async makeAdmin(): Promise<Actor | undefined> {
    if (!this.auth) return undefined;
    const seed = this.settings.seed;
    const session = await adminSession(this.auth, adminCredentials(this.context.config), this.baseUrl, seed);
    if (!session) return undefined;
    const store = new ResourceStore();
    store.self = session.userId;
    store.identity = identityFields(session);
    const adminOps = orderOperations(this.adminOperations(), []);
    for (const op of adminOps.filter((o) => (o.method === 'GET' || o.method === 'POST') && !o.parameters.some((p) => p.in === 'path'))) {
      const { request } = buildRequest(op, this.baseUrl, store, session.headers, seed + 5);
      store.remember(op, await this.send(request), request);
    }
    return { label: 'admin', session, store, id: undefined };
  }
}

/** The collections one body references with two fields (`from_account_id`, `to_account_id`). */
function pairedStems(ops: Operation[]): Set<string> {
  const stems = new Set<string>();
  for (const op of ops) {
    const schema = op.body?.media.find((m) => /json/.test(m.contentType))?.schema;
    const counts = new Map<string, number>();
    for (const field of Object.keys((schema?.properties ?? {}) as object)) {
      const { stem, by } = referenceOf(field);
      if (by !== 'name' && stem.length >= 2) counts.set(stem, (counts.get(stem) ?? 0) + 1);
    }
    for (const [stem, n] of counts) if (n >= 2) stems.add(stem);
  }
  return stems;
}

/** A seed offset of its own for each actor label (1,000 … 99,000), apart from the contract stage's. */
function actorSeed(label: string): number {
  // A real hash: a rolling one gave "owner" and "other" the same offset, so both users created the same titles.
  return ((createHash('sha256').update(label).digest().readUInt32BE(0) % 99) + 1) * 1_000;
}

/** No user: for targets without target.auth. */
export function anonymousActor(): Actor {
  return { label: 'anonymous', session: { headers: {}, credentials: { email: '', password: '', name: '' }, token: '', refreshToken: undefined }, store: new ResourceStore(), id: undefined };
}


/** 2xx: the request got through. */
export const succeeded = (r: HttpResponse) => r.status >= 200 && r.status < 300;

/** 401 or 403: the credentials were refused. */
export const refused = (r: HttpResponse) => r.status === 401 || r.status === 403;
