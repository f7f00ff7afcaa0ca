import { inject } from 'vitest';
import { cloneDatabase, type CloneHandle } from '../database/database-manager.ts';
import { GauntletError } from '../errors/gauntlet-error.ts';
import type { GauntletContext } from '../provision/stack.ts';

/**
 * A clean, migrated database for one test file: a clone of the template (milliseconds, not a new
 * server). Call in beforeAll and drop it in afterAll:
 *   let db: CloneHandle; beforeAll(async () => { db = await cleanDatabase(); }); afterAll(() => db.drop());
 */
export async function cleanDatabase(context: GauntletContext = inject('gauntlet')): Promise<CloneHandle> {
  if (context.adminUrl && !context.templateDatabase) {
    throw new GauntletError('GAUNTLET_USAGE', "cleanDatabase() clones the migrated template, and environment.postgres.reset is 'migrate' (no template).", {
      fix: "Use reset 'template' (the default) for per-test databases, or create and migrate a database in the test itself.",
    });
  }
  if (!context.adminUrl || !context.templateDatabase) {
    throw new GauntletError('GAUNTLET_UNSAFE_EXTERNAL', 'cleanDatabase() needs a disposable database, and this environment is external and not disposable.', {
      fix: 'Run the suite on --env native/testcontainers, or set environment.external.disposable: true.',
    });
  }
  return cloneDatabase(context.adminUrl, context.templateDatabase);
}
