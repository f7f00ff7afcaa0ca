import type { CheckResult } from '../../results/types.ts';
import type { Stage, StageContext, StageOutcome } from '../types.ts';
import { Coverage, coverageCheck, shareCoverage } from '../../openapi/api-coverage.ts';
import { loadDocument } from '../../openapi/document.ts';
import { fuzzOperation } from './_fuzz.ts';
import { curl, isServerError, requestsSent, send, setNoAnswerPolicy, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { hangCheck, hangPolicy, operationOf } from './_hang.ts';
import { negativesFor } from './_negatives.ts';
import { basePathOf, listOperations, type Operation } from '../../openapi/operations.ts';
import { buildRequest, createsInCollection, endsSession, findProbe, orderOperations, readerOf, ResourceStore, withoutOptionalQuery } from '../../openapi/plan.ts';
import { keepSessionAlive, type LiveSession } from '../../http/live-session.ts';
import { bodyFieldsOf, describeInvented, referenceOf, trimSlash } from '../../openapi/resources.ts';
import { AuthFlowError, createSession, headersForSchemes, identityFields, tokensFrom, type Session } from '../../http/session.ts';
import { leakedInternals, ResponseValidator, treatAsPublic } from '../../openapi/validate.ts';
import { runJUnitSuite } from '../_junit-suite.ts';
import { describeFailure, probeBoundaries } from './_boundaries.ts';
import { persistenceCheck } from './_persistence.ts';
import { PoisonWatch } from './_poisoning.ts';
import { itemsIn, queryCounts } from './_queries.ts';
import { distinctFailures, judge, onInvented } from './_judge.ts';
import { isAction, raceCheck, type RaceSetup } from './_races.ts';
import { fixFor, Reach, reachOperation, unreachedUnlessFailed, type Attempt, type Way } from './_reach.ts';
import { withWay } from './_way.ts';
import { sendFollowing } from '../../http/redirects.ts';
import { EffectChecks } from './_effects.ts';
import { UpstreamCalls } from './_upstream-calls.ts';
import { adminCredentials, adminSession as adminSessionOf, authFlowRequest } from './_auth-flow.ts';
import { forgetLearned, learn, refersToResource, withCurrentReferences } from '../../openapi/learned.ts';
import { confirmFailures } from '../../reproduce/reproduce.ts';
import { aimedAtAnother, identityOf } from './_another-user.ts';

/**
 * The contract stage: every operation of the target's OpenAPI document is called with a valid
 * request (and its invalid variants), and every response is checked against the document.
 */
export const contractStage: Stage = {
  name: 'contract',
  description: "every OpenAPI operation exercised, every response checked against the document",
  async run(context: StageContext): Promise<StageOutcome> {
    const alive: { session?: LiveSession } = {};
    try {
      return await runContract(context, alive);
    } finally {
      alive.session?.stop();
      setNoAnswerPolicy(undefined);
    }
  },
};

async function runContract(context: StageContext, alive: { session?: LiveSession }): Promise<StageOutcome> {
    const { config, target } = context;
    const location = config.target.openapi;
    if (!location) return { status: 'skipped', reason: 'no target.openapi in gauntlet.config.ts', checks: [] };
    const settings = config.stages.contract;
    const sentBefore = requestsSent();
    const checks: CheckResult[] = [];
    const add = (check: CheckResult) => {
      checks.push(check);
      context.onCheck(check);
    };

    const document = await loadDocument(location, target.url);
    treatAsPublic(target.url);
    add({ id: 'contract:document', stage: 'contract', title: `the OpenAPI document (${document.source}) is valid OpenAPI ${document.doc.openapi}`, status: document.problems.length ? 'failed' : 'passed', ...(document.problems.length ? { message: document.problems.join('\n') } : {}) });

    const operations = listOperations(document.doc, basePathOf(document.doc, location.basePath)).filter((op) => !settings.skip.includes(op.id));
    // A request without an answer in time is its operation's finding, never the stage's end.
    setNoAnswerPolicy(hangPolicy(operations, (op, request, ms) => add(hangCheck('contract', op, request, ms))));
    const validator = new ResponseValidator(document.doc.openapi);
    const coverage = new Coverage(operations);
    shareCoverage(coverage);
    const store = new ResourceStore();
    let session: Record<string, string> = {};
    const setup: { request: HttpRequest; response: HttpResponse }[] = [];
    let adminSession: Record<string, string> | undefined;
    let testUser: Session | undefined;
    let changer: Session | undefined; // a user of its own for target.auth.changePassword, which may end its sessions
    if (config.target.auth) {
      try {
        const user = await createSession(config.target.auth, target.url, settings.seed);
        testUser = user;
        session = user.headers;
        store.self = user.userId;
        store.identity = identityFields(user);
        // An operation of the stage may end this session (a new email, a new password): renewed, not failed.
        const probe = findProbe(operations, config.stages.security.probe);
        alive.session = keepSessionAlive(config.target.auth, target.url, settings.seed, user, probe ? (headers) => buildRequest(probe, target.url, store, headers, settings.seed).request : undefined);
        add({ id: 'contract:auth', stage: 'contract', title: 'a test user registers and logs in through target.auth', status: 'passed' });
        setup.push(...(user.exchanges ?? []));
        if (config.target.auth.changePassword) changer = await createSession(config.target.auth, target.url, settings.seed, { label: 'password-change' });
      } catch (error) {
        if (!(error instanceof AuthFlowError)) throw error;
        add({ id: 'contract:auth', stage: 'contract', title: 'a test user registers and logs in through target.auth', status: 'failed', message: `${error.message}\nFix: check target.auth (paths, body templates, token.path) against the API.` });
      }
      // The admin (when configured): operations the user may not call are sent as the admin, so they are reached too.
      adminSession = (await adminSessionOf(config.target.auth, adminCredentials(config), target.url, settings.seed))?.headers;
    }
    const authPaths = [config.target.auth?.register?.path, config.target.auth?.login?.path].filter((p): p is string => p !== undefined);
    const ordered = orderOperations(operations, authPaths);
    const sessionEnders = ordered.filter(endsSession); // logout, delete account: after everything else
    const regular = ordered.filter((o) => !sessionEnders.includes(o));

    const reach = new Reach(operations);
    forgetLearned();
    // What the answers expose and what the writes did (issue #26's properties).
    const effects = new EffectChecks(operations, send, settings.consistencyMs, async (creator, mark) => {
      // Items of its own for a list check (words to search for, enough to page): sent like any valid request.
      const { request } = valid(creator, settings.seed + 9_000 + exercised.size);
      const marked = mark(request);
      const response = await send(marked);
      coverage.record(creator, response.status);
      // Not remembered: the other operations keep working on the resources the stage itself made
      // (a DRF item route filters by the same names its path's item has).
      return response.status >= 200 && response.status < 300;
    });
    // The auth flow's own answers are judged like every other, and reach what they called.
    for (const { request, response } of setup) {
      const op = operations.find((o) => o.method === request.method && trimSlash(o.path) === trimSlash(new URL(request.url).pathname));
      if (!op) continue;
      coverage.record(op, response.status);
      reach.record(op, { request, response, way: { as: 'anonymous', fields: {}, after: [] }, tried: ['the auth flow (target.auth)'] });
      const verdict = judge(`contract:${op.id}:auth-flow`, `${op.id} answers the auth flow's request as documented`, op, request, response, validator, { expect4xx: false });
      if (verdict.status === 'failed') add(verdict);
      effects.exposure(op, request, response).forEach(add);
    }
    // How each operation was reached (as whom, with which learned fields): every later pass sends it that way.
    const ways = new Map<string, Way>();
    const wayOf = (op: Operation): Way => ways.get(op.id) ?? { as: op.secured || op.optionalAuth || !config.target.auth ? 'user' : 'anonymous', fields: {}, after: [] };
    const authFlow = (op: Operation, seed = settings.seed) => authFlowRequest(op, config.target.auth, testUser, target.url, session, seed, changer);
    // Another user, made when an action refuses the user's own resource (following oneself): see _another-user.ts.
    const other: { session?: Session; tried?: boolean } = {};
    const valid = (op: Operation, seed: number, way = wayOf(op)) => {
      const built = buildRequest(op, target.url, store, session, seed);
      const own = authFlow(op, seed);
      // References the way learned, as they are now: a resource the stage's own DELETE took away is never sent stale.
      const current = { ...way, fields: withCurrentReferences(op, way.fields, store) };
      const sent = own ?? withWay(built.request, current, headersForSchemes(session, op.schemes), adminSession && headersForSchemes(adminSession, op.schemes));
      const aimed = way.subject && testUser && other.session ? aimedAtAnother(sent, identityOf(testUser), identityOf(other.session)) : undefined;
      return { ...built, request: aimed ?? sent };
    };
    const poison = new PoisonWatch(add);
    const lists: { op: Operation; request: HttpRequest }[] = [];
    const after = (request: HttpRequest, response: HttpResponse) => poison.after(request, response);

    // Boundary and hostile values for every parameter and body field (_hostile.ts).
    const boundaries = async (ops: Operation[]) => {
      for (const op of ops) {
        // Before the values go out: a DELETE among them may remove the resource it was sent to.
        const { invented } = store.resolvePath(op, settings.seed);
        const result = await probeBoundaries(op, {
          // A creation gets fresh unique fields (email, title) for each variant, so no value is refused as a duplicate.
          valid: (n) => valid(op, createsInCollection(op) ? settings.seed + 1_000 + n : settings.seed).request,
          leaks: (r) => leakedInternals(r.text).map((l) => `the error body exposes ${l}`),
          after,
        });
        if (result.sent === 0) continue;
        const title = `${op.id} refuses what the document forbids and survives boundary and hostile values (${result.sent} requests)`;
        if (result.failures.length === 0 && invented.length > 0) {
          // The values in the path still probed its parsing, but everything else met a made-up resource's 404.
          add({ id: `contract:${op.id}:boundaries`, stage: 'contract', title, status: 'skipped', message: `not reached: ${describeInvented(invented)}, so the body and query values met a resource that does not exist; none of the values got a 5xx`, evidence: { invented } });
          continue;
        }
        if (result.failures.length === 0) {
          add({ id: `contract:${op.id}:boundaries`, stage: 'contract', title, status: 'passed', ...(result.stopped ? { message: result.stopped } : {}) });
          continue;
        }
        for (const check of distinctFailures(`contract:${op.id}:boundaries`, title, result.failures, describeFailure)) add(check);
      }
    };

    const fuzz = async (ops: Operation[], validRequest: (op: Operation) => HttpRequest) => {
      const budget = settings.fuzz;
      const fuzzable = ops.filter((op) => op.parameters.some((p) => p.in === 'query') || op.body?.media.some((m) => /json/.test(m.contentType)));
      if (budget.requests === 0 || fuzzable.length === 0) return;
      const perOp = { requests: Math.max(3, Math.floor(budget.requests / fuzzable.length)), timeMs: (budget.seconds * 1000) / fuzzable.length };
      for (const op of fuzzable) {
        if (poison.isPoisoned(op.id)) {
          poison.broke(op.id, `contract:${op.id}:fuzz`);
          // Its failures now are the write's doing (reported as contract:<op>:state-poisoning), not its inputs'.
          add({ id: `contract:${op.id}:fuzz`, stage: 'contract', title: `${op.id} holds up under property-based fuzzing`, status: 'skipped', message: `not fuzzed: an earlier write broke it (see contract:${op.id}:state-poisoning), so every failure would be that write's` });
          continue;
        }
        const { invented } = store.resolvePath(op, settings.seed);
        if (invented.length > 0) {
          add({ id: `contract:${op.id}:fuzz`, stage: 'contract', title: `${op.id} holds up under property-based fuzzing`, status: 'skipped', message: `not fuzzed: ${describeInvented(invented)}, and every input would meet the 404 a made-up value deserves`, evidence: { invented } });
          continue;
        }
        const judgeResponse = (r: HttpResponse) => [...(isServerError(r) ? [`answered ${r.status}: a server error`] : []), ...validator.problems(op, r), ...(r.status >= 400 ? leakedInternals(r.text).map((l) => `the error body exposes ${l}`) : [])];
        const { failures } = await fuzzOperation(op, validRequest(op), { seed: settings.seed, ...perOp, judge: judgeResponse, after });
        const title = `${op.id} holds up under property-based fuzzing (${perOp.requests} requests at most)`;
        if (failures.length === 0) {
          add({ id: `contract:${op.id}:fuzz`, stage: 'contract', title, status: 'passed' });
          continue;
        }
        const describe = (f: (typeof failures)[number]) => [...f.problems, `minimal reproduction (after ${f.runs} runs and ${f.shrinks} shrinks): ${curl(f.request)}`, `response: ${f.response.status} ${f.response.text.slice(0, 500)}`].join('\n');
        for (const check of distinctFailures(`contract:${op.id}:fuzz`, title, failures, describe)) add(check);
      }
    };
    const remember = (op: Operation, response: HttpResponse, request: HttpRequest) => {
      store.remember(op, response, request);
      if (response.status < 300) store.forget(op, request);
    };
    const exercised = new Set<string>();
    const produce = async (producer: Operation): Promise<boolean> => {
      const { request } = valid(producer, settings.seed + 6_000 + exercised.size);
      const response = await send(request);
      coverage.record(producer, response.status);
      remember(producer, response, request);
      reach.record(producer, { request, response, way: wayOf(producer), tried: ['as a producer'] });
      return response.status >= 200 && response.status < 300;
    };
    const excluded = new Set([...authPaths.map((p) => `POST ${p}`), ...operations.filter(endsSession).map((o) => o.id)]);
    // Operations refused on the first try are tried again once everything else exists (a product the
    // admin adds later, a second account): their checks wait for that second try.
    const deferred: Operation[] = [];
    const exercise = async (op: Operation, last = true) => {
      exercised.add(op.id);
      const first = valid(op, settings.seed);
      const { sentParameters } = first;
      let attempt: Attempt = { ...(await sendFollowing(first.request, send)), way: wayOf(op) };
      remember(op, attempt.response, attempt.request);
      let { invented } = first;
      if (attempt.response.status >= 400 && attempt.response.status < 500) {
        attempt = await reachOperation(op, attempt, {
          build: (o, way, n) => {
            const built = valid(o, settings.seed + 7_000 + n, way);
            invented = built.invented;
            return built.request;
          },
          send: async (r) => {
            const response = await send(r);
            remember(op, response, r);
            return response;
          },
          hasUser: Object.keys(session).length > 0,
          hasAdmin: adminSession !== undefined,
          another: async () => {
            if (!other.tried && config.target.auth && testUser) {
              other.tried = true;
              other.session = await createSession(config.target.auth, target.url, settings.seed, { label: 'other' }).catch(() => undefined);
            }
            return other.session !== undefined;
          },
          produce,
          reference: (field, byId) => store.reference(byId && referenceOf(field).by === 'name' ? `${field}Id` : field),
        }, operations, excluded);
      }
      const { request, response } = attempt;
      // A refresh that worked rotated the refresh token: the next one the stage sends is the new one.
      const refresh = config.target.auth?.refresh;
      if (refresh && config.target.auth && testUser && response.status < 300 && op.method === refresh.method && trimSlash(op.path) === trimSlash(refresh.path)) {
        try {
          testUser.refreshToken = tokensFrom(config.target.auth, response, 'refresh').refreshToken ?? testUser.refreshToken;
        } catch {
          // Not the refresh's answer shape: the next refresh is sent with the old token, and judged as it answers.
        }
      }
      if (!last && response.status >= 400 && response.status < 500 && response.status !== 429 && (op.method !== 'DELETE' || invented.length > 0)) {
        deferred.push(op);
        return;
      }
      if (response.status >= 200 && response.status < 300) {
        // What reached: the fields the errors asked for, and the references the accepted body carried
        // (an optional-looking `accountId` the API requires), each resolved per actor in later stages.
        const references = Object.fromEntries(Object.entries(bodyFieldsOf(request.body && 'json' in request.body ? request.body.json : undefined).fields).filter(([k]) => refersToResource(k)));
        if (attempt.tried.length > 0) ways.set(op.id, attempt.way);
        if (attempt.tried.length > 0 || Object.keys(references).length > 0) learn(op, { fields: { ...references, ...attempt.way.fields }, query: attempt.way.query ?? {}, drop: attempt.way.drop ?? [] });
      }
      reach.record(op, attempt, response.status >= 400 && response.status < 500 ? fixFor(op, response, adminSession !== undefined, invented.map((i) => `{${i.name}}`)) : undefined);
      coverage.record(op, response.status, sentParameters);
      poison.watch(op, request, response);
      if (op.method === 'GET' && response.status < 300 && !op.parameters.some((p) => p.in === 'path') && itemsIn(response.json) !== undefined) lists.push({ op, request: withoutOptionalQuery(op, request) });
      const verdict = judge(`contract:${op.id}:valid`, `${op.id} answers a valid request as documented`, op, request, response, validator, { expect4xx: false });
      add(onInvented(invented, response, unreachedUnlessFailed(verdict, attempt)));
      (await effects.after(op, request, response)).forEach(add);
      for (const negative of negativesFor(op, request, settings)) {
        const r = await send(negative.request);
        coverage.record(op, r.status);
        // A 400 here refuses the invalid variant whatever the path says: only a 404 may be the made-up value's.
        add(onInvented(invented, r, judge(`contract:${op.id}:${negative.name}`, `${op.id} refuses ${negative.name} with a documented 4xx`, op, negative.request, r, validator, { expect4xx: true }), (status) => status === 404 || status === 410));
      }
    };

    for (const op of regular) await exercise(op, false);
    // The valid pass ended with its DELETEs: what they took away is created again (parents first), so
    // the later passes' path parameters name something that exists. Only that: more creations could
    // run into the target's own limits (a per-user rate limit on messages).
    const deleted = (o: Operation) => regular.some((d) => d.method === 'DELETE' && trimSlash(d.path).startsWith(`${trimSlash(o.path)}/{`) && /^\/\{[^}/]+\}$/.test(trimSlash(d.path).slice(trimSlash(o.path).length)));
    for (const op of regular.filter((o) => o.method === 'POST' && !authPaths.includes(o.path) && deleted(o))) {
      const { request, invented } = valid(op, settings.seed + 5_000);
      if (invented.length === 0) remember(op, await send(request), request);
    }
    for (const op of deferred) await exercise(op);
    // Before the upstream outage: a circuit breaker still open after it would answer every variant 503.
    await boundaries(regular);
    if (context.upstreams.length > 0) {
      // Upstream outage: the same valid requests while every mocked upstream answers 500.
      // A documented 503 with Retry-After is graceful; any other 5xx is not.
      for (const upstream of context.upstreams) upstream.setFault('error');
      const calls = new UpstreamCalls(context.upstreams, settings.upstreamCalls);
      try {
        for (const op of regular) {
          if (poison.isPoisoned(op.id)) {
            poison.broke(op.id, `contract:${op.id}:upstream-outage`);
            add({ id: `contract:${op.id}:upstream-outage`, stage: 'contract', title: `${op.id} degrades gracefully while the upstream fails`, status: 'skipped', message: `not checked: an earlier write broke it (see contract:${op.id}:state-poisoning), so its answer says nothing about the outage` });
            continue;
          }
          const { request, invented } = valid(op, settings.seed + 1);
          const response = await calls.measure(op, request, send);
          coverage.record(op, response.status);
          remember(op, response, request);
          add(onInvented(invented, response, judge(`contract:${op.id}:upstream-outage`, `${op.id} degrades gracefully while the upstream fails (no 5xx but a documented 503 with Retry-After)`, op, request, response, validator, { expect4xx: false, allow503: true, replay: false })));
        }
        await calls.probeBreaker(regular, send);
      } finally {
        for (const upstream of context.upstreams) upstream.setFault('none');
      }
      calls.checks().forEach(add);
    }
    // After an outage the target may still be in its documented degraded mode (a circuit breaker's
    // cooldown), so here too a documented 503 with Retry-After is graceful; any other 5xx is not.
    await fuzz(regular, (op) => valid(op, settings.seed).request);
    poison.finish();
    await queryCounts(context, lists, ordered, (op, n) => send(valid(op, settings.seed + 2_000 + n).request), add);
    // Races: an action on a sub-path of a resource (complete, favorite, follow), sent several times at once.
    for (const op of ordered.filter((o) => isAction(o) && !sessionEnders.includes(o) && !authPaths.includes(o.path))) {
      const fresh = async (n: number): Promise<RaceSetup | undefined> => {
        // The collection the action's resource lives in: POST /goals for POST /goals/{id}/complete.
        const creation = operations.find((o) => createsInCollection(o) && op.path.startsWith(`${o.path}/{`));
        if (!creation) return undefined;
        const creationRequest = buildRequest(creation, target.url, store, session, settings.seed + 3_000 + n).request;
        const created = await send(creationRequest);
        if (created.status >= 300) return undefined;
        store.remember(creation, created, creationRequest);
        if (!store.resolvePath(op, settings.seed).resolved) return undefined;
        // The resource itself: the longest GET path the action's path starts with (GET /goals/{id} for …/tasks/{taskId}/complete).
        const parent = readerOf(op.path.replace(/\/[^/]*$/, ''), operations);
        const observers = [...(parent ? [buildRequest(parent, target.url, store, session, settings.seed).request] : []), ...poison.requests()];
        return { action: buildRequest(op, target.url, store, session, settings.seed).request, observers };
      };
      add(await raceCheck({ op, fresh }));
    }
    // Reproduce before report: each server error found so far is sent again while the test user's session still lives.
    // A failure on a resource a later DELETE took away is replayed on one that exists now.
    await confirmFailures(checks, send, (request) => {
      const op = operationOf(operations, request);
      const again = op && store.resolvePath(op, settings.seed);
      if (!again?.resolved) return undefined;
      const url = new URL(request.url);
      url.pathname = new URL(`${target.url}${again.path}`).pathname;
      return { ...request, url: url.toString() };
    });
    for (const op of operations) {
      const replay = checks.find((c) => c.id === `contract:${op.id}:valid`)?.replay;
      if (replay?.outcome === 'flaky') reach.reachedOnReplay(op.id, replay.answers.at(-1) ?? 0);
    }
    if (settings.persistence) add(await persistenceCheck(context, operations, store, session, authPaths, send));
    for (const op of sessionEnders) await exercise(op);

    if (settings.tests) {
      // Hand-written contracts (contracts/): they reuse this environment through GAUNTLET_CONTEXT.
      for (const check of (await runJUnitSuite('contract', settings.tests, { env: { GAUNTLET_CONTEXT: JSON.stringify(context.gauntlet), GAUNTLET_TARGET_URL: target.url }, reportsDir: context.config.reportsDir })).checks) add(check);
    }
    // Every request of the stage (the auth flow and the persistence check included).
    // How often an operation of the stage ended the test user's session (DEBUG=gauntlet:stage says which).
    add(reach.check());
    const metrics: Record<string, number> = { ...coverage.metrics(), ...reach.metrics(), requests: requestsSent() - sentBefore, sessionRenewals: alive.session?.renewals.length ?? 0, ...effects.metrics() };
    add(coverageCheck(coverage));
    return { status: checks.some((c) => c.status === 'failed') ? 'failed' : 'passed', checks, metrics };
}
