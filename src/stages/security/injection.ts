import { isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { typeOf } from '../../openapi/generate.ts';
import { buildRequest } from '../../openapi/plan.ts';
import { deservedByMadeUp, describeInvented, listItems } from '../../openapi/resources.ts';
import { DATABASE_ERROR, INJECTED_HEADER, PAYLOADS, SYSTEM_FILE, type Payload } from './_payloads.ts';
import { succeeded, type Actor, type SecurityRun } from './_run.ts';

/** Where a payload goes: a query parameter or a string field of a JSON body (inside its wrapper, for a body wrapped in one key). */
interface Slot {
  op: Operation;
  in: 'query' | 'body';
  name: string;
  wrapper?: string;
}

/** The same request with `value` in the slot. */
function inject(request: HttpRequest, slot: Slot, value: unknown): HttpRequest {
  if (slot.in === 'query') {
    const url = new URL(request.url);
    url.searchParams.set(slot.name, typeof value === 'string' ? value : JSON.stringify(value));
    return { ...request, url: url.toString() };
  }
  const body = (request.body && 'json' in request.body && request.body.json && typeof request.body.json === 'object' ? request.body.json : {}) as Record<string, unknown>;
  if (!slot.wrapper) return { ...request, body: { json: { ...body, [slot.name]: value } } };
  const inner = body[slot.wrapper];
  return { ...request, body: { json: { ...body, [slot.wrapper]: { ...(inner && typeof inner === 'object' ? inner : {}), [slot.name]: value } } } };
}

function slotsOf(op: Operation): Slot[] {
  const slots: Slot[] = op.parameters.filter((p) => p.in === 'query' && typeOf(p.schema) === 'string' && !p.schema.enum && freeText(p.schema)).map((p) => ({ op, in: 'query' as const, name: p.name }));
  const json = op.body?.media.find((m) => /json/.test(m.contentType));
  const top = Object.entries((json?.schema?.properties ?? {}) as Record<string, Record<string, unknown>>);
  const wrapper = top.length === 1 && top[0]?.[1].properties ? top[0] : undefined;
  for (const [name, prop] of wrapper ? Object.entries(wrapper[1].properties as Record<string, Record<string, unknown>>) : top) {
    if (typeOf(prop) === 'string' && !prop.enum && freeText(prop)) slots.push({ op, in: 'body', name, ...(wrapper ? { wrapper: wrapper[0] } : {}) });
  }
  return slots;
}

/** Strings a validator would not already confine to a format (an email is still free text to a query). */
const freeText = (schema: Record<string, unknown>) => schema.format === undefined || schema.format === 'email';

const rows = (r: HttpResponse): number | undefined => listItems(r.json)?.length;

/**
 * Injection: every payload of the catalogue through every string query parameter and body field,
 * sent as user B (and unauthenticated on the login operation). A slot fails on a 5xx, database
 * error text, a system file in the body, an injected header, more rows for a tautology than for a
 * nonsense term, an auth bypass on login, or a response slower than the baseline by more than the
 * threshold twice in a row.
 */
export async function injectionChecks(run: SecurityRun, actor: Actor, operations: Operation[]): Promise<void> {
  const login = run.auth?.login && actor.label !== 'admin' ? run.operations.find((op) => op.method === run.auth?.login?.method && op.path === run.auth.login?.path) : undefined;
  const ops = [...(login ? [login] : []), ...operations];
  const budget = run.settings.injection.maxRequests;
  // One budget for the stage: the admin's operations after the user's get what is left.
  let sent = run.injectionSent;
  for (const slot of ops.flatMap(slotsOf)) {
    const id = `security:injection:${slot.op.id}:${slot.in}.${slot.name}`;
    const title = `${slot.op.id} ${slot.in} field "${slot.name}" withstands ${PAYLOADS.length} injection payloads`;
    if (sent + PAYLOADS.length + 2 > budget) {
      run.skip(id, title, `the injection budget (stages.security.injection.maxRequests = ${budget}) is spent`);
      continue;
    }
    // A DELETE whose query takes text acts on a resource made for it: a payload that deletes must not take the actor's.
    const store = slot.op.method === 'DELETE' ? await run.scratch(slot.op, actor) : actor.store;
    const { request, invented } = buildRequest(slot.op, run.baseUrl, store, actor.session.headers, run.settings.seed);
    const nonsense = `gauntlet${run.settings.seed}zqx`;
    const baselineRequest = inject(request, slot, nonsense);
    const baseline = await run.send(baselineRequest);
    sent += 1;
    if (invented.length > 0 && deservedByMadeUp(baseline.status)) {
      // On a made-up resource every payload would get the same 404: nothing would reach the code under test.
      run.skip(id, title, `not reached: ${describeInvented(invented)}; a harmless value got ${baseline.status}, as a made-up value deserves`);
      continue;
    }
    const problems: string[] = [];
    let failing: { request: HttpRequest; response: HttpResponse } | undefined;
    for (const payload of PAYLOADS) {
      const attempt = inject(request, slot, payload.value);
      const response = await run.send(attempt);
      sent += 1;
      let findings = judge(payload, response, baseline, slot.op === login, run.settings.injection.timeThresholdMs);
      if (findings.length === 1 && findings[0]?.startsWith('slower')) {
        // A time anomaly counts only when it repeats against a fresh baseline.
        const again = await run.send(attempt);
        const freshBaseline = await run.send(baselineRequest);
        sent += 2;
        findings = judge(payload, again, freshBaseline, slot.op === login, run.settings.injection.timeThresholdMs);
      }
      if (findings.length > 0) {
        problems.push(`${payload.name} ${JSON.stringify(payload.value)}: ${findings.join('; ')}`);
        failing ??= { request: attempt, response };
      }
    }
    run.verdict(id, title, problems, failing);
  }
  run.injectionSent = sent;
}

export function judge(payload: Payload, response: HttpResponse, baseline: HttpResponse, isLogin: boolean, thresholdMs: number): string[] {
  const findings: string[] = [];
  if (isServerError(response)) findings.push(`answered ${response.status}: a server error`);
  const dbError = DATABASE_ERROR.exec(response.text);
  if (dbError) findings.push(`the response contains database error text ("${dbError[0]}")`);
  if (SYSTEM_FILE.test(response.text)) findings.push('the response contains /etc/passwd');
  if (response.headers.has(INJECTED_HEADER)) findings.push(`the response carries the injected header ${INJECTED_HEADER}`);
  if (isLogin && succeeded(response) && !succeeded(baseline)) findings.push(`login succeeded (${response.status}) with a payload instead of the password: authentication bypass`);
  const before = rows(baseline);
  const after = rows(response);
  // Rows only between two lists the target answered 2xx: an error body's array (DRF's ["Not a valid string."]) is no rows.
  if (payload.kind === 'tautology' && succeeded(response) && succeeded(baseline) && before !== undefined && after !== undefined && after > before) {
    findings.push(`returned ${after} rows where a nonsense term returned ${before}: the payload changed the query`);
  }
  if (payload.kind === 'time' && response.ms - baseline.ms > thresholdMs) {
    findings.push(`slower than the baseline by ${Math.round(response.ms - baseline.ms)} ms (threshold ${thresholdMs} ms)`);
  }
  return findings;
}
