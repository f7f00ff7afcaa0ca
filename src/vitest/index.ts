/** Test-side helpers: `import { cleanDatabase, gauntletContext } from 'gauntlet/vitest'`. */
export { cleanDatabase } from './clean-database.ts';
export type { CloneHandle } from '../database/database-manager.ts';
export type { GauntletContext } from '../provision/stack.ts';
export { gauntletContext, useTargetUrl } from './context.ts';
export { describeJourney, journeyKit } from './journey.ts';
export { serveInProcess, type InProcessServer } from './in-process.ts';
