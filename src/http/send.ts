import { closedBeforeAnswer, NetworkError } from './network-error.ts';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { onInterrupt } from '../process/cleanup.ts';
import { registerIssued } from '../redact/issued.ts';

// On Ctrl-C every request in flight is aborted and every connection of fetch's pool closed: a target
// that stops gracefully (server.close()) waits for its open connections, and Node's server counts a
// connection that has not finished its first request as busy, so it would wait out its keep-alive
// or headers timeout (5 s) on ours. fetch's pool is Node's global undici dispatcher, which undici
// keeps under this documented global symbol (what undici's own setGlobalDispatcher writes).
const interrupted = new AbortController();
// Every request in flight listens to it, and removes its listener when it ends: a burst of 50 (a
// rate limit's, a race's) is no leak, so Node's warning at 11 listeners would only be noise.
setMaxListeners(0, interrupted.signal);
onInterrupt(() => {
  interrupted.abort(new Error('the run was interrupted'));
  const pool = (globalThis as Record<symbol, { destroy?: () => Promise<void> } | undefined>)[Symbol.for('undici.globalDispatcher.1')];
  void pool?.destroy?.().catch(() => undefined);
});

/** A deliberate wait between requests (a revocation checked again later), cut short by Ctrl-C. */
export const pause = (ms: number): Promise<void> => sleep(ms, undefined, { signal: interrupted.signal });

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A 401 stays a 401: no session renewal (the renewal's own requests, a request already sent again). */
  noRenewal?: boolean;
  /** A JSON value, raw text, or multipart fields (strings become files when marked binary). */
  body?: { json: unknown } | { raw: string } | { multipart: Record<string, { file: string } | string> };
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  contentType: string;
  ms: number;
}

let sent = 0;

/** How many requests this process has sent through send(): a stage takes the difference. */
export function requestsSent(): number {
  return sent;
}

/** A request as it ended, for what a crash report says came just before. */
export interface SentRequest {
  method: string;
  url: string;
  /** The status, or what went wrong. */
  outcome: string;
  at: number;
}

// Enough for the two seconds before a crash at full speed (over 100 requests a second): a request
// whose late work killed the target must still be among them when its death is observed.
const RECENT = 500;
const recent: SentRequest[] = [];

/** The last requests send() finished, oldest first. */
export function recentRequests(): SentRequest[] {
  return [...recent];
}

function remember(request: HttpRequest, outcome: string): void {
  recent.push({ method: request.method, url: request.url, outcome, at: Date.now() });
  if (recent.length > RECENT) recent.shift();
}

/**
 * How the target's liveness (target/liveness.ts) takes part: requests wait while a crashed target
 * restarts, and one that failed because the target died meanwhile is sent once more.
 */
interface RequestHooks {
  before(): Promise<void>;
  afterFailure(epoch: number): Promise<boolean>;
  epoch(): number;
}

let hooks: RequestHooks = { before: async () => undefined, afterFailure: async () => false, epoch: () => 0 };

export function setRequestHooks(h: RequestHooks): void {
  hooks = h;
}

/**
 * A live session (live-session.ts) sees every answer (a write may change the user's email or
 * password), and may answer a 401 with the same request under renewed headers (undefined keeps the
 * 401). Only one at a time; undefined removes it.
 */
interface Renewer {
  observe(request: HttpRequest, status: number): void;
  renew(request: HttpRequest): Promise<HttpRequest | undefined>;
  /** Whether a write changed the session's credentials since its token was issued: then a 403 or 404 may be a dead session too. */
  changed?(): boolean;
}
let renewer: Renewer | undefined;

export function setSessionRenewer(r: Renewer | undefined): void {
  renewer = r;
}

/**
 * What a stage does with a request that gets no answer within its timeout (contract/_hang.ts): a
 * stand-in answer instead of an error, and requests it would rather not send again.
 */
export interface NoAnswerPolicy {
  skip(request: HttpRequest): HttpResponse | undefined;
  timedOut(request: HttpRequest, ms: number): HttpResponse;
}
let noAnswer: NoAnswerPolicy | undefined;

export function setNoAnswerPolicy(policy: NoAnswerPolicy | undefined): void {
  noAnswer = policy;
}

/** Sends one request; never throws for an HTTP status (only for a network failure). */
export async function send(request: HttpRequest, timeoutMs = 15_000, retried = false): Promise<HttpResponse> {
  const skipped = noAnswer?.skip(request);
  if (skipped) return skipped;
  await hooks.before();
  const epoch = hooks.epoch();
  sent += 1;
  const headers = { ...request.headers };
  let body: string | FormData | undefined;
  if (request.body && 'json' in request.body) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(request.body.json);
  } else if (request.body && 'raw' in request.body) {
    body = request.body.raw;
  } else if (request.body && 'multipart' in request.body) {
    const form = new FormData();
    for (const [name, value] of Object.entries(request.body.multipart)) {
      form.set(name, typeof value === 'string' ? value : new Blob([value.file], { type: 'application/octet-stream' }), typeof value === 'string' ? undefined : `${name}.bin`);
    }
    body = form;
  }
  const started = performance.now();
  // One controller and a plain timer, cleared once the answer is read: a signal made by
  // AbortSignal.any(AbortSignal.timeout(…)) can be collected on Node 20 while fetch waits, and its
  // timeout then never fires (a hung request waited for undici's 300 s headers timeout instead).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  const stop = () => controller.abort(interrupted.signal.reason);
  if (interrupted.signal.aborted) stop();
  else interrupted.signal.addEventListener('abort', stop, { once: true });
  const done = () => {
    clearTimeout(timer);
    interrupted.signal.removeEventListener('abort', stop);
  };
  const attempt = () => fetch(request.url, { method: request.method, headers, body, signal: controller.signal, redirect: 'manual' });
  let response: Response;
  try {
    response = await attempt().catch((error: unknown) => {
      // A kept-alive connection the server closed while idle (uvicorn's and Node's 5 s timeout) fails
      // before any byte of the answer: the server never saw the request. Once more, on a new connection.
      if (!closedBeforeAnswer(error)) throw error;
      sent += 1;
      return attempt();
    });
  } catch (error) {
    done();
    remember(request, `no answer (${new NetworkError(request, error).code ?? 'network error'})`);
    // The target died under this request (or just before it): sent again once it has been restarted.
    if (!retried && (await hooks.afterFailure(epoch))) return send(request, timeoutMs, true);
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    if (timedOut && noAnswer) return noAnswer.timedOut(request, Math.round(performance.now() - started));
    throw new NetworkError(request, error);
  }
  const text = await response
    .text()
    .catch((error: unknown) => {
      remember(request, `${response.status}, then the answer broke off`);
      throw new NetworkError(request, error, 'while reading the answer');
    })
    .finally(done);
  remember(request, String(response.status));
  renewer?.observe(request, response.status);
  // A 401 may be a dead session; so may a 403 or 404 after a write changed the user's email or password
  // (an API that looks the token's user up by the old email answers "forbidden" or "not found").
  if (renewer && !request.noRenewal && (response.status === 401 || ((response.status === 403 || response.status === 404) && renewer.changed?.() === true))) {
    const again = await renewer.renew(request);
    if (again) return send({ ...again, noRenewal: true }, timeoutMs, retried);
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  registerIssued(request.method, request.url, `${request.url} ${JSON.stringify(request.headers)} ${typeof body === 'string' ? body : ''}`, text, json, response.headers.getSetCookie());
  return { status: response.status, headers: response.headers, text, json, contentType: (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '', ms: performance.now() - started };
}

/** A server error that is not the graceful, documented kind: 503 with Retry-After. */
export function isServerError(response: HttpResponse): boolean {
  return response.status >= 500 && !(response.status === 503 && response.headers.has('retry-after'));
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** The request as a curl command line, for reproductions in reports. */
export function curl(request: HttpRequest): string {
  const parts = ['curl', '-i', '-X', request.method, quote(request.url)];
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', quote(`${name}: ${value}`));
  const typed = Object.keys(request.headers).some((h) => h.toLowerCase() === 'content-type');
  if (request.body && 'json' in request.body) parts.push(...(typed ? [] : ['-H', quote('content-type: application/json')]), '--data-raw', compactData(JSON.stringify(request.body.json)));
  if (request.body && 'raw' in request.body) parts.push('--data-raw', compactData(request.body.raw));
  if (request.body && 'multipart' in request.body) {
    for (const [name, value] of Object.entries(request.body.multipart)) parts.push('-F', quote(typeof value === 'string' ? `${name}=${value}` : `${name}=@file.bin`));
  }
  return parts.join(' ');
}

/**
 * A body quoted for the shell; one with a long run of one character (a 65,536-character field) is
 * written as a printf that builds the run, so the reproduction stays short and still sends the same bytes.
 */
function compactData(data: string): string {
  const runs = [...data.matchAll(/([a-z])\1{99,}/g)];
  if (runs.length === 0) return quote(data);
  let format = '';
  let at = 0;
  const args: string[] = [];
  for (const run of runs) {
    format += printfLiteral(data.slice(at, run.index)) + '%s';
    args.push(`"$(head -c ${run[0].length} /dev/zero | tr '\\0' ${run[1] as string})"`);
    at = (run.index ?? 0) + run[0].length;
  }
  format += printfLiteral(data.slice(at));
  return `"$(printf ${quote(format)} ${args.join(' ')})"`;
}

/** Text as a literal part of a printf format: its % and \\ mean nothing to printf. */
function printfLiteral(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('%', '%%');
}
