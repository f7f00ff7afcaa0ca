import { inject } from 'vitest';
import type { GauntletContext } from '../provision/stack.ts';

let targetOverride: string | undefined;

/** The URLs of the environment and target the globalSetup started (the target's may be overridden in this worker). */
export function gauntletContext(): GauntletContext {
  const provided = inject('gauntlet');
  return targetOverride ? { ...provided, targetUrl: targetOverride } : provided;
}

/** Points this worker's suites at another target URL (serveInProcess does; undefined undoes it). */
export function useTargetUrl(url: string | undefined): void {
  targetOverride = url;
}
