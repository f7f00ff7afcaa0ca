/**
 * k6's own REST API (`k6 run --address`), polled while it runs: which phase it is in (setup or the
 * scenarios), how many requests it has sent, and its running p95. The phase tells where the steady
 * load starts: a script's setup() (signing users in, creating data) is no part of what a request
 * costs under load.
 */
export interface K6Live {
  /** k6's execution status: 6 setup, 7 running the scenarios, 8 teardown, 9 ended (lib/execution). */
  status: number;
  requests: number;
  p95Ms?: number;
  vus: number;
}

/** k6's execution status while the scenarios run (lib/execution.Running). */
export const K6_RUNNING = 7;

interface StatusAnswer {
  data?: { attributes?: { status?: number; vus?: number } };
}
interface MetricAnswer {
  data?: { attributes?: { sample?: Record<string, number> } };
}

async function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** One reading of k6's API at `base` (http://127.0.0.1:PORT); undefined while k6 is not answering yet (or any more). */
export async function readK6Live(base: string, timeoutMs = 1_000): Promise<K6Live | undefined> {
  try {
    const status = await getJson<StatusAnswer>(`${base}/v1/status`, timeoutMs);
    // A metric k6 has not seen yet answers 404: no request sent so far.
    const [reqs, duration] = await Promise.all([
      getJson<MetricAnswer>(`${base}/v1/metrics/http_reqs`, timeoutMs).catch(() => undefined),
      getJson<MetricAnswer>(`${base}/v1/metrics/http_req_duration`, timeoutMs).catch(() => undefined),
    ]);
    const p95 = duration?.data?.attributes?.sample?.['p(95)'];
    return {
      status: status.data?.attributes?.status ?? 0,
      requests: reqs?.data?.attributes?.sample?.count ?? 0,
      vus: status.data?.attributes?.vus ?? 0,
      ...(p95 !== undefined ? { p95Ms: p95 } : {}),
    };
  } catch {
    return undefined;
  }
}
