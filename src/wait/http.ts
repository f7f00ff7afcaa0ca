/** Any HTTP answer at all: init's own start of a target whose health path it does not know yet. */
export const ANY_ANSWER = 0;

/** One HTTP probe: true when the URL answers with the expected status (any, for ANY_ANSWER). Throws with the reason otherwise. */
export async function httpStatusIs(url: string, status: number, timeoutMs = 2_000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  if (response.status === status || status === ANY_ANSWER) return true;
  throw new Error(`GET ${url} answered ${response.status}, expected ${status}`);
}
