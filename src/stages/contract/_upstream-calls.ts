import { curl, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';
import type { StartedUpstream } from '../../upstreams/mock-upstream.ts';

/** Whether an answer says something about the upstream: not a 4xx, not a 5xx (but 503) that called nothing. */
const counts = (e: Exchange, name: string) => !(e.status >= 400 && e.status < 500) && !(e.status >= 500 && e.status !== 503 && (e.calls.get(name) ?? 0) === 0);

interface Exchange {
  op: string;
  request: HttpRequest;
  status: number;
  /** Calls each upstream received while the target answered this request. */
  calls: Map<string, number>;
}

/**
 * Behind the target (issue #26's ninth property): while the mocked upstreams fail, how many calls
 * each client request causes. A request that causes more than `maxPerRequest` (a call and its
 * retries) is a retry storm; and once `breakerAfter` client requests have failed in a row, a
 * request must cause fewer calls than the first did (a circuit breaker opened, or backoff). Counted
 * at the mock upstream, per upstream, for every operation the outage pass sends (streams too); the
 * breaker is then probed with the same requests in turn (bounded), so one route's rate limit does
 * not stand in for a breaker. Answers the target refuses by itself (4xx) are left out.
 */
export class UpstreamCalls {
  private readonly exchanges: Exchange[] = [];

  constructor(
    private readonly upstreams: StartedUpstream[],
    private readonly settings: { maxPerRequest: number; breakerAfter: number },
  ) {}

  private totals(): Map<string, number> {
    return new Map(this.upstreams.map((u) => [u.name, u.calls]));
  }

  /** Sends the request and records what it cost each upstream. */
  async measure(op: Operation, request: HttpRequest, send: (r: HttpRequest) => Promise<HttpResponse>): Promise<HttpResponse> {
    const before = this.totals();
    const response = await send(request);
    const calls = new Map([...this.totals()].map(([name, n]) => [name, n - (before.get(name) ?? 0)]));
    this.exchanges.push({ op: op.id, request, status: response.status, calls });
    return response;
  }

  /** The requests that reached an upstream, repeated in turn until a breaker should be open (at most breakerAfter + 1 more). */
  async probeBreaker(operations: Operation[], send: (r: HttpRequest) => Promise<HttpResponse>): Promise<void> {
    if (this.settings.breakerAfter === 0) return;
    for (const upstream of this.upstreams) {
      let callers = this.exchanges.filter((e) => (e.calls.get(upstream.name) ?? 0) > 0);
      // Bounded: twice the requests a breaker needs; a caller the target refuses by itself (its rate limit, a 404) drops out.
      for (let n = 0; callers.length > 0 && this.sequence(upstream.name).length <= this.settings.breakerAfter && n < 2 * (this.settings.breakerAfter + 1); n++) {
        const caller = callers[n % callers.length] as Exchange;
        const op = operations.find((o) => o.id === caller.op);
        if (!op) break;
        const before = this.exchanges.length;
        await this.measure(op, caller.request, send);
        if (!counts(this.exchanges[before] as Exchange, upstream.name)) callers = callers.filter((c) => c !== caller);
        const sequence = this.sequence(upstream.name);
        const calls = (e: Exchange | undefined) => e?.calls.get(upstream.name) ?? 0;
        if (calls(sequence.at(-1)) < calls(sequence[0])) break; // it fell: the breaker opened
      }
    }
  }

  /**
   * Failed client requests of the operations that call this upstream, in order, with their calls.
   * Left out: what the target refused by itself (a 4xx), and a 5xx other than 503 that called
   * nothing (it failed before the upstream: a deleted parent, say, not an open breaker).
   */
  private sequence(name: string): Exchange[] {
    const callers = new Set(this.exchanges.filter((e) => (e.calls.get(name) ?? 0) > 0).map((e) => e.op));
    return this.exchanges.filter((e) => callers.has(e.op) && counts(e, name));
  }

  checks(): CheckResult[] {
    return this.upstreams.map((upstream) => {
      const id = `contract:upstream:${upstream.name}:calls`;
      const title = `while ${upstream.name} fails, a client request causes at most ${this.settings.maxPerRequest} calls to it, and fewer once ${this.settings.breakerAfter} have failed`;
      const sequence = this.sequence(upstream.name);
      if (sequence.length === 0) return { id, stage: 'contract', title, status: 'skipped', message: `not checked: no request of the outage pass called ${upstream.name}` };
      const count = (e: Exchange) => e.calls.get(upstream.name) ?? 0;
      const problems: string[] = [];
      const storms = sequence.filter((e) => count(e) > this.settings.maxPerRequest);
      for (const op of new Set(storms.map((e) => e.op))) {
        const worst = Math.max(...storms.filter((e) => e.op === op).map(count));
        problems.push(`a retry storm: one ${op} caused ${worst} calls to ${upstream.name} (at most ${this.settings.maxPerRequest}: a call and its retries)`);
      }
      const first = count(sequence[0] as Exchange);
      const fell = sequence.findIndex((e) => count(e) < first);
      const order = sequence.map(count).join(', ');
      if (this.settings.breakerAfter > 0 && sequence.length > this.settings.breakerAfter && (fell === -1 || fell > this.settings.breakerAfter)) {
        problems.push(`no breaker: after ${this.settings.breakerAfter} client requests failed in a row, each still caused ${count(sequence[this.settings.breakerAfter] as Exchange)} calls to ${upstream.name} (calls per request, in order: ${order})`);
      }
      const evidence = { calls: sequence.map((e) => ({ operation: e.op, status: e.status, calls: count(e) })) };
      const unjudged = this.settings.breakerAfter > 0 && fell === -1 && sequence.length <= this.settings.breakerAfter ? `; the breaker was not judged: only ${sequence.length} failed requests reached ${upstream.name} (the others were refused by the target itself)` : '';
      if (problems.length === 0) return { id, stage: 'contract', title, status: 'passed', message: `calls per request, in order: ${order}${unjudged}`, evidence };
      const example = storms[0] ?? (sequence.at(-1) as Exchange);
      return { id, stage: 'contract', title, status: 'failed', message: [...problems, `reproduce (while ${upstream.name} answers 500): ${curl(example.request)}`].join('\n'), evidence };
    });
  }
}
