/** One HTTP probe: true when the URL answers with the expected status. Throws with the reason otherwise. */
export async function httpStatusIs(url: string, status: number, timeoutMs = 2_000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  if (response.status === status) return true;
  throw new Error(`GET ${url} answered ${response.status}, expected ${status}`);
}
