import type { HttpRequest, HttpResponse } from '../http/send.ts';
import type { CheckResult } from '../results/types.ts';

/**
 * Reproduce before report (issue #27): a failed bug check whose failure was a server error is sent
 * again before the run reports it. A failure that comes back is `reproduced`; one that does not is
 * `flaky`: shown, failing no gate unless `gates.flaky: 'fail'`. An answer that cannot tell (the
 * session ended, the resource is gone, the target throttled, no answer) is `inconclusive` and the
 * failure stands: a replay may only take a failure away when it clearly got the other answer.
 *
 * Only server errors are replayed. They are the failures that can be transient (a pool timeout, a
 * lock, a race with Gauntlet's own concurrent writes); the other bug kinds (an auth bypass, a leak,
 * lost data) are judged from answers that a replay of the same request would not make more certain,
 * and replaying a write that was accepted (an invalid item stored) would only store a second one.
 * A write that failed with a 5xx counts as flaky only when its replay succeeds (2xx): a refusal may be
 * the first attempt's own effect (the password it changed, the name it took).
 * A target death is never replayed here: liveness (target/liveness.ts) reports it from the process.
 */
/** The outcome, the failing answer's status then each replay's (0: no answer), and a note in words for every report. */
export type Replay = NonNullable<CheckResult['replay']>;

interface Pending {
  request: HttpRequest;
  status: number;
}

/** Statuses that say nothing about the failure: the session, the resource or the rate limit changed since. */
const CANNOT_TELL = new Set([0, 401, 403, 404, 405, 409, 410, 429]);

/** How many times a failure that did not come back is sent again before it is called flaky. */
export const REPLAYS = 2;

/**
 * The reproductions registered while a stage ran, by check id (a check is copied on its way to the
 * reports; its id is what stays). The runner takes them after each stage.
 */
const pending = new Map<string, Pending>();

/** Remember how to replay a failed check: its request and the server error it got (a check without a 5xx is not registered). Returns the id. */
export function replayable(id: string, request: HttpRequest | undefined, response: Pick<HttpResponse, 'status'> | undefined): string {
  if (request && response && response.status >= 500 && response.status <= 599) pending.set(id, { request, status: response.status });
  return id;
}

/** Forget the registered reproductions of these checks (their failure needed a condition of its moment: a burst, an outage), or of all (a new run). */
export function forgetReplays(ids?: string[]): void {
  if (ids) ids.forEach((id) => pending.delete(id));
  else pending.clear();
}

/**
 * Replays every failed check of `checks` with a registered reproduction, and sets its `replay`;
 * a check already replayed (the contract stage replays before its session ends) is left as it is.
 * Sequential, REPLAYS at most per check: a replay must not overlap another check's requests.
 */
export async function confirmFailures(checks: CheckResult[], send: (request: HttpRequest) => Promise<Pick<HttpResponse, 'status'>>, fresh?: Fresh): Promise<void> {
  for (const check of checks) {
    if (check.status !== 'failed' || check.replay) continue;
    const reproduction = pending.get(check.id);
    if (!reproduction) continue;
    pending.delete(check.id);
    check.replay = await replay(reproduction, send, fresh);
    // Every report shows what the replay said, under the failure (the first line, the fingerprint's, stays).
    check.message = `${check.message ?? check.title}\n${check.replay.note}`;
  }
}

/**
 * The same request on a resource that exists now, when the one it named is gone (a later DELETE of
 * the stage took it): the contract stage resolves the path again from what the API returned.
 * Undefined when there is none, or it is the same request.
 */
export type Fresh = (request: HttpRequest) => HttpRequest | undefined;

async function replay({ request: first, status }: Pending, send: (request: HttpRequest) => Promise<Pick<HttpResponse, 'status'>>, fresh?: Fresh): Promise<Replay> {
  const answers = [status];
  let request = first;
  for (let i = 0; i < REPLAYS; i++) {
    // A replay whose request cannot be sent (the target gone) is no evidence either way.
    const again = await send(request).catch(() => ({ status: 0 }));
    answers.push(again.status);
    if (again.status >= 500) return { outcome: 'reproduced', answers, note: `replayed${request === first ? '' : ` on a fresh resource (${new URL(request.url).pathname})`}: answered ${again.status} again` };
    // The resource it named is gone: once, the same request on one that exists.
    const other = (again.status === 404 || again.status === 410) && request === first ? fresh?.(first) : undefined;
    if (other && other.url !== first.url) {
      request = other;
      i -= 1;
      continue;
    }
    // A write may have done its work before it failed (the password changed, the name taken): a refusal of it now cannot tell.
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(request.method.toUpperCase());
    if (CANNOT_TELL.has(again.status) || (write && again.status >= 300)) return { outcome: 'inconclusive', answers, note: `replayed: ${again.status === 0 ? 'got no answer' : `answered ${again.status}`}, which cannot tell (the session, the resource or the rate limit changed since); the failure stands` };
  }
  const where = request === first ? '' : ` (on a fresh resource, ${new URL(request.url).pathname}, after the first was gone)`;
  return { outcome: 'flaky', answers, note: `flaky: answered ${status} once, then ${answers.slice(1).join(' and ')} when sent again${where}` };
}
