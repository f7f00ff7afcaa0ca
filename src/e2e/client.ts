import request, { type Response, type Test } from 'supertest';
import type { ResolvedConfig } from '../config/load.ts';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { send } from '../http/send.ts';
import { authHeaders, authRequest, createSession, login, readPath, sessionAuthRequest, tokensFrom, type Credentials, type Session } from '../http/session.ts';
import { timedStream, type TimedStream } from './stream.ts';
import { scanResponse } from './findings.ts';

export interface CallOptions {
  /** Values for the {params} of the endpoint's path. */
  params?: Record<string, string>;
  /** A JSON body. */
  body?: unknown;
  /** A multipart file upload instead of a JSON body. */
  attach?: { field: string; content: Buffer; filename: string; contentType: string };
  query?: Record<string, string>;
  session?: Session;
  headers?: Record<string, string>;
}

export interface E2eResponse {
  status: number;
  headers: Record<string, string>;
  /** The JSON body with the configured envelope unwrapped (undefined when not JSON). */
  data: any;
  text: string;
  /** "POST /conversations/3f…/messages": for assertion messages. */
  what: string;
}

type Endpoints = Record<string, string>;

/**
 * The step library's HTTP side: endpoints by the names the config gives them (stages.e2e.endpoints),
 * sent with supertest to the started target, answers unwrapped from the configured envelope; and the
 * target's auth flow (target.auth) for register, login, refresh and logout. Journeys call
 * `client.call('sendMessage', { params: { id } })` and never spell a path, so a target with other
 * paths reuses them by changing its config.
 */
export class E2eClient {
  readonly baseUrl: string;
  private readonly endpoints: Endpoints;

  constructor(
    private readonly config: ResolvedConfig,
    targetUrl: string,
  ) {
    this.baseUrl = targetUrl.replace(/\/$/, '');
    this.endpoints = config.stages.e2e?.endpoints ?? {};
  }

  /** "METHOD /path" with the params filled in. */
  resolve(endpoint: string, params: Record<string, string> = {}): { method: string; path: string } {
    const operation = this.endpoints[endpoint];
    if (!operation) {
      throw new GauntletError('GAUNTLET_CONFIG_INVALID', `stages.e2e.endpoints has no "${endpoint}" (it has ${Object.keys(this.endpoints).join(', ') || 'none'}).`, {
        fix: `Add it: endpoints: { ${endpoint}: 'METHOD /path/{param}' } in gauntlet.config.ts.`,
      });
    }
    const [method, template] = operation.split(' ') as [string, string];
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`endpoint ${endpoint} (${operation}) needs params.${name}`);
      return encodeURIComponent(value);
    });
    return { method, path };
  }

  async call(endpoint: string, options: CallOptions = {}): Promise<E2eResponse> {
    const { method, path } = this.resolve(endpoint, options.params);
    let test: Test = (request(this.baseUrl) as unknown as Record<string, (p: string) => Test>)[method.toLowerCase()]!(path);
    const headers = { ...(options.session?.headers ?? {}), ...(options.headers ?? {}) };
    for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
    if (options.query) test = test.query(options.query);
    if (options.attach) test = test.attach(options.attach.field, options.attach.content, { filename: options.attach.filename, contentType: options.attach.contentType });
    else if (options.body !== undefined) test = test.send(options.body as object);
    const response: Response = await test.timeout({ response: 30_000, deadline: 60_000 });
    return this.wrap(response, `${method} ${path}`);
  }

  /** Calls a streaming endpoint (server-sent events) and times its events. */
  async stream(endpoint: string, options: CallOptions & { tokenEvent?: string } = {}): Promise<TimedStream> {
    const { method, path } = this.resolve(endpoint, options.params);
    const headers = { accept: 'text/event-stream', 'content-type': 'application/json', ...(options.session?.headers ?? {}), ...(options.headers ?? {}) };
    return timedStream(`${this.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) }, { tokenEvent: options.tokenEvent });
  }

  /** A GET of any path of the target (health, metrics), unwrapped like the rest. */
  async get(path: string): Promise<E2eResponse> {
    return this.wrap(await request(this.baseUrl).get(path).timeout({ response: 10_000, deadline: 15_000 }), `GET ${path}`);
  }

  /** Unwraps the configured envelope ("data") from a JSON value. */
  unwrap(json: unknown): any {
    const envelope = this.config.stages.e2e?.envelope;
    return envelope && json && typeof json === 'object' ? readPath(json, envelope) : json;
  }

  /** Registers a user through target.auth.register (without logging in). */
  async register(user: Credentials): Promise<E2eResponse> {
    const auth = this.auth();
    if (!auth.register) throw new Error('target.auth.register is needed to register a user');
    const r = await send(authRequest(auth.register, this.baseUrl, { ...user }));
    scanResponse(`${auth.register.method} ${auth.register.path}`, r.status, r.text);
    return { status: r.status, headers: Object.fromEntries(r.headers.entries()), data: this.unwrap(r.json), text: r.text, what: `${auth.register.method} ${auth.register.path}` };
  }

  /** Registers (through target.auth) and logs in a user built by the factories. */
  async signUp(user: Credentials): Promise<Session> {
    return createSession(this.auth(), this.baseUrl, 0, { credentials: user, existingOk: true });
  }

  async logIn(user: Credentials): Promise<Session> {
    return login(this.auth(), this.baseUrl, user);
  }

  /** Exchanges the session's refresh token (target.auth.refresh) for a new pair. */
  async refresh(session: Session): Promise<{ status: number; session: Session | undefined }> {
    const auth = this.auth();
    if (!auth.refresh || !session.refreshToken) throw new Error('target.auth.refresh and target.auth.refreshToken are needed to refresh a session');
    const response = await send(authRequest(auth.refresh, this.baseUrl, { ...session.credentials, refreshToken: session.refreshToken }));
    scanResponse(`${auth.refresh.method} ${auth.refresh.path}`, response.status, response.text);
    if (response.status >= 300) return { status: response.status, session: undefined };
    const { token, refreshToken } = tokensFrom(auth, response, 'refresh');
    return { status: response.status, session: { ...session, token, refreshToken, headers: authHeaders(auth, token) } };
  }

  async logout(session: Session): Promise<number> {
    const auth = this.auth();
    if (!auth.logout) throw new Error('target.auth.logout is needed to log a session out');
    const response = await send(sessionAuthRequest(auth.logout, this.baseUrl, session));
    scanResponse(`${auth.logout.method} ${auth.logout.path}`, response.status, response.text);
    return response.status;
  }

  private auth() {
    const auth = this.config.target.auth;
    if (!auth) throw new GauntletError('GAUNTLET_CONFIG_INVALID', 'the journeys need target.auth (how a user registers and logs in).', { fix: 'Add target.auth to gauntlet.config.ts (see the README, "Authentication").' });
    return auth;
  }

  private wrap(response: Response, what: string): E2eResponse {
    scanResponse(what, response.status, response.text ?? '');
    const json = response.type?.includes('json') ? (response.body as unknown) : undefined;
    return { status: response.status, headers: response.headers as Record<string, string>, data: this.unwrap(json), text: response.text ?? '', what };
  }
}

