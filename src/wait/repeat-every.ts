import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `run` now and then every `intervalMs` (counted from each start, so a slow run does not
 * drift the cadence), at most `times` times, until `stop()`, which waits for the run in flight and
 * cuts the pause short. The samplers of the load stage (health and metrics; the server's side) use it.
 * `afterInterval`: the first run comes one interval from now (the caller made one already).
 */
export function repeatEvery(intervalMs: number, times: number, run: () => Promise<void>, options: { afterInterval?: boolean } = {}): { stop(): Promise<void> } {
  const stopped = new AbortController();
  const pause = (until: number) => sleep(Math.max(0, until - Date.now()), undefined, { signal: stopped.signal }).catch(() => undefined);
  const loop = (async () => {
    let next = Date.now() + (options.afterInterval ? intervalMs : 0);
    for (let done = 0; done < times; done++) {
      await pause(next);
      if (stopped.signal.aborted) return;
      next = Date.now() + intervalMs;
      await run();
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await loop;
    },
  };
}
