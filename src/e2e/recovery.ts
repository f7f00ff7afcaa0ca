import { record } from './measurements.ts';

export interface Recovery {
  ms: number;
  attempts: number;
}

/**
 * Measures how long the target takes to work fully again after a fault is cleared: `probe` is tried
 * until it resolves true (each attempt bounded by the overall deadline), and the time from the call
 * to that success is recorded as a 'recovery' measurement (the e2e stage gates the slowest). Throws
 * with the last problem when `timeoutMs` passes first. A poll, not a sleep: it returns on the first
 * success.
 */
export async function measureRecovery(label: string, probe: () => Promise<boolean | string>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<Recovery> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 100;
  const started = performance.now();
  let attempts = 0;
  let last = 'no attempt finished';
  while (performance.now() - started < timeoutMs) {
    attempts += 1;
    try {
      const result = await probe();
      if (result === true) {
        const ms = Math.round(performance.now() - started);
        record({ name: 'recovery', valueMs: ms, label });
        return { ms, attempts };
      }
      last = typeof result === 'string' ? result : 'the probe said not yet';
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${label}: not recovered within ${timeoutMs} ms (${attempts} attempts); last: ${last}`);
}
