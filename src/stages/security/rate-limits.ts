import { forgetReplays } from '../../reproduce/reproduce.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { createSession, fillTemplate, registerOnly } from '../../http/session.ts';
import { buildRequest, createsInCollection, ResourceStore } from '../../openapi/plan.ts';
import { succeeded, type SecurityRun } from './_run.ts';

type Limit = SecurityRun['settings']['rateLimits'][number];

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Rate limits declared in the config: `limit` requests pass, the next is 429 with a Retry-After
 * within the window; spoofed forwarding headers and case/whitespace variants of the account key do
 * not reset the count; after Retry-After seconds the window has reset. Each limit uses a fresh user
 * (and account), so limits keyed by user or account never interfere with each other or with other
 * checks; limits keyed by IP share the address with everything else and run on their own.
 */
export async function rateLimitChecks(run: SecurityRun, keys: Limit['key'][]): Promise<void> {
  await Promise.all(run.settings.rateLimits.filter((limit) => keys.includes(limit.key)).map((limit) => checkLimit(run, limit)));
}

async function checkLimit(run: SecurityRun, limit: Limit): Promise<void> {
  const ids = limitIds(limit);
  try {
    await checkOneLimit(run, limit, ids);
  } finally {
    // A server error under a burst needs the burst: sent alone again it would look flaky.
    forgetReplays(Object.values(ids));
  }
}

function limitIds(limit: Limit) {
  return {
    enforced: `security:rate-limit:${limit.name}:enforced`,
    retryAfter: `security:rate-limit:${limit.name}:retry-after`,
    spoofing: `security:rate-limit:${limit.name}:forwarded-for`,
    variants: `security:rate-limit:${limit.name}:key-variants`,
    reset: `security:rate-limit:${limit.name}:window-resets`,
  };
}

async function checkOneLimit(run: SecurityRun, limit: Limit, ids: ReturnType<typeof limitIds>): Promise<void> {
  const titles = {
    enforced: `${limit.operation}: ${limit.limit} requests per ${limit.windowSeconds} s per ${limit.key} pass, the next is refused with 429`,
    retryAfter: `${limit.operation}: the 429 carries a Retry-After within the ${limit.windowSeconds} s window`,
    spoofing: `${limit.operation}: spoofed X-Forwarded-For / X-Real-IP / Forwarded headers do not lift the ${limit.name} limit`,
    variants: `${limit.operation}: case and whitespace variants of the ${limit.accountField} share one ${limit.name} limit`,
    reset: `${limit.operation}: after Retry-After seconds the ${limit.name} window has reset`,
  };
  const skipRest = (reason: string, keys: (keyof typeof ids)[]) => keys.forEach((k) => run.skip(ids[k], titles[k], reason));
  const op = run.operation(limit.operation);
  if (!op) {
    run.verdict(ids.enforced, titles.enforced, [`stages.security.rateLimits "${limit.name}": no operation "${limit.operation}" in the OpenAPI document`]);
    return skipRest('the limited operation is not in the document', ['retryAfter', 'spoofing', 'variants', 'reset']);
  }
  if (!run.auth && (op.secured || JSON.stringify(limit.body ?? {}).includes('{{'))) {
    run.verdict(ids.enforced, titles.enforced, [`the ${limit.name} limit needs a user, and target.auth is not configured`]);
    return skipRest('no user to send with', ['retryAfter', 'spoofing', 'variants', 'reset']);
  }

  // A fresh user (and so a fresh account key), with its own resources for the path. An unsecured
  // operation gets a registered account only: logging in might already count against its limit.
  const label = `limit-${limit.name}`;
  const session = run.auth && op.secured ? await createSession(run.auth, run.baseUrl, run.settings.seed, { label }) : undefined;
  const credentials = session?.credentials ?? (run.auth ? await registerOnly(run.auth, run.baseUrl, run.settings.seed, label) : undefined);
  const store = new ResourceStore();
  if (op.parameters.some((p) => p.in === 'path') && session) {
    for (const creator of run.userOperations().filter(createsInCollection)) {
      const { request } = buildRequest(creator, run.baseUrl, store, session.headers, run.settings.seed);
      store.remember(creator, await run.send(request), request);
    }
  }
  const base = buildRequest(op, run.baseUrl, store, session?.headers ?? {}, run.settings.seed).request;
  const values = { ...credentials };
  const body = limit.body ? (fillTemplate(limit.body, values) as Record<string, unknown>) : base.body && 'json' in base.body ? (base.body.json as Record<string, unknown>) : undefined;
  if (limit.key === 'account' && body && credentials) body[limit.accountField] = credentials.email;
  const request: HttpRequest = { ...base, ...(body ? { body: { json: body } } : {}) };

  // The limit + 1 requests go at once: a limiter counts a request when it arrives, so they all land in
  // one window however slow the machine or the handler (a password hash per login) is.
  const burstStarted = performance.now();
  const responses = await Promise.all(Array.from({ length: limit.limit + 1 }, () => run.send(request)));
  const refusedAt = Date.now();
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  const statuses = responses.map((r) => r.status);
  const refused = responses.filter((r) => r.status === 429);
  const normal = responses.find((r) => r.status !== 429)?.status ?? 429;
  const over = refused[0] ?? (responses.at(-1) as HttpResponse);
  if (refused.length === 0 && burstSeconds >= limit.windowSeconds) {
    // Even sent at once they took the whole window: it may have reset before the last one arrived.
    run.skip(ids.enforced, titles.enforced, `inconclusive: the ${limit.limit + 1} requests, sent at once, took ${burstSeconds.toFixed(1)} s, as long as the ${limit.windowSeconds} s window or longer, so the window may have reset before the last one (which answered ${over.status}). This machine, or the target, was too slow to test the promise: give the limit a longer window in the test configuration, or run on a faster runner.`);
    return skipRest('inconclusive: the burst took longer than the window', ['retryAfter', 'spoofing', 'variants', 'reset']);
  }
  const problems: string[] = [];
  if (refused.length > 1) problems.push(`${refused.length} of the ${limit.limit + 1} requests sent at once were refused with 429: the limit is lower than declared`);
  if (refused.length === 0) problems.push(`request ${limit.limit + 1} answered ${over.status}, expected 429 (the ${limit.limit + 1} requests, sent at once, answered ${[...new Set(statuses)].join('/')} within ${burstSeconds.toFixed(1)} s of a ${limit.windowSeconds} s window)`);
  run.verdict(ids.enforced, titles.enforced, problems, { request, response: over, statuses, burstSeconds: Number(burstSeconds.toFixed(2)) });
  if (refused.length === 0) return skipRest('the limit was not enforced', ['retryAfter', 'spoofing', 'variants', 'reset']);

  const retryAfter = retryAfterSeconds(over.headers.get('retry-after'));
  run.verdict(
    ids.retryAfter,
    titles.retryAfter,
    retryAfter === undefined
      ? [`the 429 has no valid Retry-After header (got ${JSON.stringify(over.headers.get('retry-after'))})`]
      : retryAfter < 1 || retryAfter > Math.ceil(limit.windowSeconds)
        ? [`Retry-After is ${retryAfter} s, outside 1..${Math.ceil(limit.windowSeconds)} s for a ${limit.windowSeconds} s window`]
        : [],
    { response: over },
  );

  // Lifting the limit by claiming another client address: every variant must still be refused. A
  // variant that gets through is a bypass only if the plain request, sent right after it, is still
  // refused: otherwise the window had reset meanwhile (a slow machine), and the variant proves nothing.
  const passes = (r: HttpResponse) => r.status !== 429 && (r.status === normal || succeeded(r));
  let windowReset = false;
  // Any reset seen at all: our own requests after it may have opened a new window.
  let anyReset = false;
  const bypassed = async (r: HttpResponse) => {
    if (!passes(r)) return false;
    if (anyReset) {
      // A new window is open, counting our own requests: a pass now proves nothing either way.
      windowReset = true;
      return false;
    }
    const control = await run.send(request);
    if (passes(control)) windowReset = anyReset = true;
    return !passes(control);
  };
  const inconclusive = (id: keyof typeof ids) =>
    run.skip(ids[id], titles[id], `inconclusive: a variant got through, and so did the plain request right after it (${((Date.now() - refusedAt) / 1000).toFixed(1)} s after the 429): the ${limit.windowSeconds} s window had reset, so this machine, or the target, was too slow to test the promise`);
  const spoofed: [string, Record<string, string>][] = [
    ['X-Forwarded-For', { 'x-forwarded-for': '203.0.113.7' }],
    ['X-Real-IP', { 'x-real-ip': '203.0.113.8' }],
    ['Forwarded', { forwarded: 'for=203.0.113.9' }],
  ];
  const spoofProblems: string[] = [];
  let spoofFailing: { request: HttpRequest; response: HttpResponse } | undefined;
  for (const [name, headers] of spoofed) {
    const attempt = { ...request, headers: { ...request.headers, ...headers } };
    const r = await run.send(attempt);
    if (await bypassed(r)) {
      spoofProblems.push(`with ${name} set, the request answered ${r.status} again instead of 429: the limit keys on a header any client can set`);
      spoofFailing ??= { request: attempt, response: r };
    }
  }
  if (windowReset && spoofProblems.length === 0) inconclusive('spoofing');
  else run.verdict(ids.spoofing, titles.spoofing, spoofProblems, spoofFailing);
  windowReset = false;

  if (limit.key !== 'account' || !body || typeof body[limit.accountField] !== 'string') {
    run.skip(ids.variants, titles.variants, limit.key === 'account' ? `the body has no string field "${limit.accountField}" (accountField)` : `the ${limit.name} limit is keyed by ${limit.key}, not by an account`);
  } else {
    const account = body[limit.accountField] as string;
    const variantProblems: string[] = [];
    let variantFailing: { request: HttpRequest; response: HttpResponse } | undefined;
    for (const variant of [account.toUpperCase(), ` ${account} `, account.replace(/^./, (c) => c.toUpperCase())]) {
      const attempt = { ...request, body: { json: { ...body, [limit.accountField]: variant } } };
      const r = await run.send(attempt);
      if (await bypassed(r)) {
        variantProblems.push(`${JSON.stringify(variant)} answered ${r.status} instead of 429: a variant of the account gets a fresh count`);
        variantFailing ??= { request: attempt, response: r };
      }
    }
    if (windowReset && variantProblems.length === 0) inconclusive('variants');
    else run.verdict(ids.variants, titles.variants, variantProblems, variantFailing);
  }

  if (retryAfter === undefined) return run.skip(ids.reset, titles.reset, 'no Retry-After to wait for');
  if (retryAfter > run.settings.maxWaitSeconds) {
    return run.skip(ids.reset, titles.reset, `Retry-After is ${retryAfter} s, longer than stages.security.maxWaitSeconds (${run.settings.maxWaitSeconds} s): shorten the window for the test run, or raise maxWaitSeconds`);
  }
  // Exactly what a well-behaved client does: wait Retry-After seconds from the 429, then retry once.
  const triedUntil = Date.now();
  await sleep(Math.max(0, refusedAt + retryAfter * 1000 - triedUntil));
  const after = await run.send(request);
  if (after.status === 429 && (anyReset || triedUntil > refusedAt + retryAfter * 1000)) {
    // The spoofed and varied requests went on past the reset: they may have opened a window of their own.
    return run.skip(ids.reset, titles.reset, `inconclusive: still refused ${((Date.now() - refusedAt) / 1000).toFixed(1)} s after the 429 (Retry-After ${retryAfter} s), but the checks after the 429 took ${((triedUntil - refusedAt) / 1000).toFixed(1)} s and may have opened a new window: this machine, or the target, was too slow to test the promise`);
  }
  run.verdict(ids.reset, titles.reset, after.status === 429 ? [`${retryAfter} s after the 429 (its Retry-After) the request is still refused: the window did not reset, or Retry-After understates it`] : [], { request, response: after });
}
