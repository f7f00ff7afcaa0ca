import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config/load.ts';
import type { EnvironmentKind } from '../config/schema.ts';
import { resolveEnvironmentKind } from '../environments/resolve.ts';
import { startStack, type GauntletContext } from '../provision/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    gauntlet: GauntletContext;
  }
}

/**
 * vitest globalSetup: brings the environment and the target up once for the whole run and provides
 * their URLs to every test file as `inject('gauntlet')`. When GAUNTLET_CONTEXT is set (by
 * `gauntlet env up` or a Gauntlet stage) that environment is reused instead.
 *   GAUNTLET_CONFIG  config file (default gauntlet.config.ts)
 *   GAUNTLET_ENV     environment kind (default: the config's)
 *   GAUNTLET_TARGET  "0" to start Postgres and Redis only
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.GAUNTLET_CONTEXT) {
    project.provide('gauntlet', JSON.parse(process.env.GAUNTLET_CONTEXT) as GauntletContext);
    return undefined;
  }
  const { config } = await loadConfig(process.env.GAUNTLET_CONFIG);
  const kind = await resolveEnvironmentKind((process.env.GAUNTLET_ENV as EnvironmentKind | undefined) ?? config.environment.default);
  const stack = await startStack(config, kind, { withTarget: process.env.GAUNTLET_TARGET !== '0' });
  project.provide('gauntlet', stack.context);
  return () => stack.stop();
}
