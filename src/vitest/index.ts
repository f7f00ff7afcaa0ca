/** Test-side helpers: `import { cleanDatabase, gauntletContext } from 'gauntlet/vitest'`. */
export { cleanDatabase } from './clean-database.ts';
export type { CloneHandle } from '../database/database-manager.ts';
export type { GauntletContext } from '../provision/stack.ts';
import { inject } from 'vitest';
import type { GauntletContext } from '../provision/stack.ts';

/** The URLs of the environment and target the globalSetup started. */
export function gauntletContext(): GauntletContext {
  return inject('gauntlet');
}

export { describeJourney, journeyKit } from './journey.ts';
