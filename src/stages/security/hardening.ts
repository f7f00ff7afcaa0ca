import { isDeepStrictEqual } from 'node:util';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { authRequest, createSession, freshCredentials } from '../../http/session.ts';
import { leakedInternals } from '../../openapi/validate.ts';
import { buildRequest } from '../../openapi/plan.ts';
import type { Actor, SecurityRun } from './_run.ts';

/**
 * Hardening: security headers, CORS, the body size limit, no internals in error bodies, uniform
 * login errors, and a target that refuses to start in production with an insecure config.
 */
export async function hardeningChecks(run: SecurityRun, owner: Actor): Promise<void> {
  await securityHeaders(run, owner);
  await cors(run, owner);
  await bodyLimit(run, owner);
  await errorInternals(run, owner);
  await uniformLoginErrors(run);
  await insecureStart(run);
}

async function securityHeaders(run: SecurityRun, owner: Actor): Promise<void> {
  const samples: [string, HttpRequest][] = [
    ['an unknown route', { method: 'GET', url: `${run.baseUrl}/gauntlet-no-such-route-${run.settings.seed}`, headers: {} }],
  ];
  if (run.probe) {
    samples.unshift([`${run.probe.id} (authenticated)`, run.probeRequest(owner.session.headers)], [`${run.probe.id} without credentials`, run.probeRequest({})]);
  }
  const problems: string[] = [];
  let failing: { request: HttpRequest; response: HttpResponse } | undefined;
  for (const [what, request] of samples) {
    const response = await run.send(request);
    const before = problems.length;
    for (const [name, pattern] of Object.entries(run.settings.headers)) {
      const value = response.headers.get(name);
      if (value === null) problems.push(`${what} (${response.status}): no ${name} header`);
      else if (!new RegExp(pattern, 'i').test(value)) problems.push(`${what} (${response.status}): ${name} is "${value}", expected /${pattern}/`);
    }
    for (const name of run.settings.forbiddenHeaders) {
      const value = response.headers.get(name);
      if (value !== null) problems.push(`${what} (${response.status}): carries ${name}: ${value}`);
    }
    if (problems.length > before) failing ??= { request, response };
  }
  run.verdict('security:hardening:headers', `responses carry ${Object.keys(run.settings.headers).join(', ')}`, problems, failing);
}

async function cors(run: SecurityRun, owner: Actor): Promise<void> {
  const id = 'security:hardening:cors';
  const title = 'CORS: a disallowed origin is not reflected, and no wildcard with credentials';
  const url = run.probe ? run.probeRequest({}).url : `${run.baseUrl}/`;
  const headers = run.probe ? owner.session.headers : {};
  const problems: string[] = [];
  let failing: { request: HttpRequest; response: HttpResponse } | undefined;
  const judgeOrigin = (origin: string, response: HttpResponse) => {
    const allowOrigin = response.headers.get('access-control-allow-origin');
    const credentials = response.headers.get('access-control-allow-credentials') === 'true';
    if (allowOrigin === origin) return `the origin ${origin} is reflected in Access-Control-Allow-Origin${credentials ? ' with credentials allowed' : ''}`;
    if (allowOrigin === '*' && credentials) return 'Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true';
    return undefined;
  };
  for (const origin of ['https://evil.gauntlet.invalid', 'null', ...hostileOrigins(run.settings.cors.allowedOrigin)]) {
    const simple: HttpRequest = { method: 'GET', url, headers: { ...headers, origin } };
    const preflight: HttpRequest = { method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } };
    for (const [kind, request] of [['request', simple], ['preflight', preflight]] as const) {
      const response = await run.send(request);
      const problem = judgeOrigin(origin, response);
      if (problem) {
        problems.push(`${kind}: ${problem}`);
        failing ??= { request, response };
      }
    }
  }
  const allowed = run.settings.cors.allowedOrigin;
  if (problems.length === 0 && allowed) {
    // The control: the allowed origin gets through, so the refusals above came from the CORS policy.
    const response = await run.send({ method: 'GET', url, headers: { ...headers, origin: allowed } });
    if (response.headers.get('access-control-allow-origin') !== allowed) {
      problems.push(`the allowed origin ${allowed} (stages.security.cors.allowedOrigin) is not allowed either (Access-Control-Allow-Origin: ${response.headers.get('access-control-allow-origin') ?? 'absent'}), so the check cannot tell a policy from no CORS at all: fix the config`);
    }
  }
  run.verdict(id, title, problems, failing);
}

/**
 * Origins an allowlist matched loosely would let through, derived from an allowed one
 * (https://app.example.com): the allowed host as a prefix of another host, as a suffix of a longer
 * name, a subdomain of an attacker's domain, another scheme, another port.
 */
export function hostileOrigins(allowed: string | undefined): string[] {
  if (!allowed) return [];
  const url = new URL(allowed);
  const other = url.protocol === 'https:' ? 'http:' : 'https:';
  return [
    `${url.protocol}//${url.host}.evil.gauntlet.invalid`,
    `${url.protocol}//evil${url.hostname}${url.port ? `:${url.port}` : ''}`,
    `${url.protocol}//${url.hostname}.gauntlet.invalid`,
    `${other}//${url.host}`,
    `${url.protocol}//${url.hostname}:${url.port === '8443' ? '9443' : '8443'}`,
  ];
}

/** The first operation with a JSON body a normal user may call (with its request built as the owner). */
function jsonBodyRequest(run: SecurityRun, owner: Actor): HttpRequest | undefined {
  const op = run.userOperations().find((o) => o.body?.media.some((m) => /json/.test(m.contentType)));
  return op ? buildRequest(op, run.baseUrl, owner.store, owner.session.headers, run.settings.seed).request : undefined;
}

async function bodyLimit(run: SecurityRun, owner: Actor): Promise<void> {
  const id = 'security:hardening:body-limit';
  const limit = run.settings.bodyLimitBytes;
  const title = `a body larger than ${limit} bytes is refused with 413`;
  if (limit === 0) return run.skip(id, title, 'stages.security.bodyLimitBytes is 0');
  const base = jsonBodyRequest(run, owner);
  if (!base) return run.skip(id, title, 'no operation takes a JSON body');
  const raw = JSON.stringify({ gauntletPadding: 'x'.repeat(limit + 1_024) });
  const request: HttpRequest = { ...base, headers: { ...base.headers, 'content-type': 'application/json' }, body: { raw } };
  const response = await run.send(request);
  const shown = { ...request, body: { raw: `{"gauntletPadding":"xxx… (${raw.length} bytes)"}` } };
  run.verdict(id, title, response.status === 413 ? [] : [`a ${raw.length}-byte body answered ${response.status}, expected 413`], { request: shown, response });
}

async function errorInternals(run: SecurityRun, owner: Actor): Promise<void> {
  const provoked: [string, HttpRequest][] = [['an unknown route', { method: 'GET', url: `${run.baseUrl}/gauntlet-no-such-route/${'%00'.repeat(2)}`, headers: {} }]];
  const base = jsonBodyRequest(run, owner);
  if (base) {
    provoked.push(
      ['malformed JSON', { ...base, headers: { ...base.headers, 'content-type': 'application/json' }, body: { raw: '{"gauntlet": ' } }],
      ['a JSON body of the wrong shape', { ...base, body: { json: ['gauntlet', 42] } }],
      ['an unsupported content type', { ...base, headers: { ...base.headers, 'content-type': 'application/x-gauntlet' }, body: { raw: 'gauntlet' } }],
    );
  }
  if (run.probe) provoked.push(['a garbage token', run.probeRequest({ authorization: 'Bearer \u0000gauntlet' })]);
  const withPath = run.userOperations().find((op) => op.method === 'GET' && op.parameters.some((p) => p.in === 'path'));
  if (withPath) provoked.push(['a path parameter of the wrong type', { method: 'GET', url: `${run.baseUrl}${withPath.path.replace(/\{[^}]+\}/g, "%27%22gauntlet")}`, headers: owner.session.headers }]);
  const problems: string[] = [];
  let failing: { request: HttpRequest; response: HttpResponse } | undefined;
  for (const [what, request] of provoked) {
    const response = await run.send(request).catch(() => undefined);
    if (!response) continue;
    const leaks = leakedInternals(response.text);
    if (leaks.length) {
      problems.push(`${what} (${response.status}): the answer exposes ${leaks.join(' and ')}`);
      failing ??= { request, response };
    }
  }
  run.verdict('security:hardening:error-internals', 'error answers expose no stack traces or database errors', problems, failing);
}

/** Keys whose values differ per request (ids, times), left out when two error bodies are compared. */
const VOLATILE = /^(instance|requestId|request_id|traceId|trace_id|timestamp|time|date|id|correlationId)$/i;

function comparable(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(comparable);
  if (json && typeof json === 'object') return Object.fromEntries(Object.entries(json).filter(([k]) => !VOLATILE.test(k)).map(([k, v]) => [k, comparable(v)]));
  return json;
}

async function uniformLoginErrors(run: SecurityRun): Promise<void> {
  const id = 'security:hardening:uniform-login-errors';
  const title = 'login answers the same for an unknown account and a wrong password (no user enumeration)';
  const auth = run.auth;
  if (!auth?.register) return run.skip(id, title, 'no target.auth.register to create a known account with');
  if (!auth.login) return run.skip(id, title, 'no target.auth.login to try a wrong password with');
  const known = await createSession(auth, run.baseUrl, run.settings.seed, { label: 'enum' });
  const wrongPassword = authRequest(auth.login, run.baseUrl, { ...known.credentials, password: `${known.credentials.password}-wrong` });
  const unknown = authRequest(auth.login, run.baseUrl, { ...freshCredentials(run.settings.seed, 'nobody') });
  const [a, b] = [await run.send(wrongPassword), await run.send(unknown)];
  const problems: string[] = [];
  if (a.status !== b.status) problems.push(`a wrong password answers ${a.status}, an unknown account ${b.status}`);
  else if (!isDeepStrictEqual(comparable(a.json ?? a.text), comparable(b.json ?? b.text))) problems.push(`the bodies differ: wrong password ${a.text.slice(0, 200)} / unknown account ${b.text.slice(0, 200)}`);
  if (a.status < 400) problems.push(`a wrong password answered ${a.status}`);
  run.verdict(id, title, problems, { request: unknown, response: b });
}

async function insecureStart(run: SecurityRun): Promise<void> {
  const id = 'security:hardening:insecure-start';
  const title = 'the target refuses to start in production with an insecure config';
  const spec = run.settings.insecureStart;
  if (!spec) return run.skip(id, title, 'no stages.security.insecureStart (e.g. { env: { NODE_ENV: "production", JWT_SECRET: "<the default>" } })');
  const tryStart = run.context.target.tryStart;
  if (!tryStart) return run.skip(id, title, 'the target is not started by Gauntlet as a process here, so it cannot be started again with other settings');
  const outcome = await tryStart(spec.env, spec.timeoutMs);
  const detail = `env ${Object.keys(spec.env).join(', ')}`;
  if (outcome.healthy) return run.verdict(id, title, [`started with ${detail} it became healthy: an insecure production config is accepted`], { log: outcome.log.slice(-10) });
  if (outcome.exit === undefined) return run.verdict(id, title, [`started with ${detail} it neither became healthy nor exited within ${spec.timeoutMs} ms: it should refuse the config and exit`], { log: outcome.log.slice(-10) });
  if (outcome.exit.code === 0) return run.verdict(id, title, [`started with ${detail} it exited with code 0: a refusal should exit non-zero`], { log: outcome.log.slice(-10) });
  run.add({ id, title, status: 'passed', message: `exited with code ${outcome.exit.code ?? outcome.exit.signal}: ${outcome.log.slice(-3).join(' ').slice(0, 300)}` });
}
