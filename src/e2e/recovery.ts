import { waitFor } from '../wait/wait-for.ts';
import { record } from './measurements.ts';

export interface Recovery {
  ms: number;
}

/**
 * Measures how long the target takes to work fully again after a fault is cleared: `probe` is
 * polled (waitFor) until it resolves true, and the time from the call to that success is recorded
 * as a 'recovery' measurement (the e2e stage gates the slowest). A string from the probe says why
 * it is not there yet, and the timeout error quotes the last one.
 */
export async function measureRecovery(label: string, probe: () => Promise<boolean | string>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<Recovery> {
  let probeMs = 0;
  const elapsed = await waitFor({
    what: `${label}: full recovery`,
    check: async () => {
      const started = performance.now();
      const result = await probe();
      probeMs = performance.now() - started;
      if (result === true) return true;
      throw new Error(typeof result === 'string' ? result : 'the probe said not yet');
    },
    timeoutMs: options.timeoutMs ?? 60_000,
    intervalMs: options.intervalMs ?? 100,
    fix: 'Read the target log: the dependency came back, but the service did not recover within the timeout.',
  });
  const ms = Math.round(elapsed);
  // The successful probe's own time is part of ms: the recovery gate tells a slow machine from a slow recovery by it.
  record({ name: 'recovery', valueMs: ms, label, probeMs: Math.round(probeMs) });
  return { ms };
}
