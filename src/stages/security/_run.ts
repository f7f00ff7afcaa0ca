import type { ResolvedConfig } from '../../config/load.ts';
import { curl, requestsSent, send as sendRequest, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { createSession, type AuthConfig, type Session } from '../../http/session.ts';
import type { Operation } from '../../openapi/operations.ts';
import { buildRequest, endsSession, looksAdminOnly, orderOperations, ResourceStore, unwrapEnvelope } from '../../openapi/plan.ts';
import type { CheckResult } from '../../results/types.ts';
import type { StageContext } from '../types.ts';

export type SecuritySettings = ResolvedConfig['stages']['security'];

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
  ) {
    this.baseUrl = context.target.url;
    this.settings = context.config.stages.security;
  }

  get auth(): AuthConfig | undefined {
    return this.context.config.target.auth;
  }

  readonly send: (request: HttpRequest) => Promise<HttpResponse> = sendRequest;

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
    return [a?.register, a?.login, a?.refresh, a?.logout, a?.deleteAccount].some((spec) => spec !== undefined && spec.path === op.path && spec.method === op.method);
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
    let id: string | undefined;
    if (this.probe) {
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
    const configured = this.settings.creates;
    const creators = configured ? this.operations.filter((op) => configured.includes(op.id)) : orderOperations(this.userOperations(), []).filter((op) => op.method === 'POST');
    // Each actor's own data (titles, names, slugs): two users creating the same unique title is a collision, not a test.
    const seed = this.settings.seed + actorSeed(label);
    for (const op of creators) {
      const { request } = buildRequest(op, this.baseUrl, store, session.headers, seed);
      store.remember(op, await this.send(request), request);
    }
    return { label, session, store, id };
  }

  probeRequest(headers: Record<string, string>): HttpRequest {
    if (!this.probe) throw new Error('no probe operation');
    return { method: this.probe.method, url: `${this.baseUrl}${this.probe.path}`, headers };
  }
}

/** A seed offset of its own for each actor label (1,000 … 99,000), apart from the contract stage's. */
function actorSeed(label: string): number {
  let hash = 0;
  for (const c of label) hash = (hash * 31 + c.charCodeAt(0)) % 99;
  return (hash + 1) * 1_000;
}

/** No user: for targets without target.auth. */
export function anonymousActor(): Actor {
  return { label: 'anonymous', session: { headers: {}, credentials: { email: '', password: '', name: '' }, token: '', refreshToken: undefined }, store: new ResourceStore(), id: undefined };
}


/** 2xx: the request got through. */
export const succeeded = (r: HttpResponse) => r.status >= 200 && r.status < 300;
