import { afterAll, beforeAll, beforeEach } from 'vitest';
import { loadConfig, type ResolvedConfig } from '../config/load.ts';
import { gauntletContext, useTargetUrl } from './context.ts';

export interface InProcessServer {
  /** Where it listens, e.g. http://127.0.0.1:40123. */
  url: string;
  close(): Promise<void>;
}

/**
 * The config, loaded once per worker process: a mutation run re-runs the test files hundreds of times
 * in the same worker, and the config does not change between runs (the target's code does).
 */
function cachedConfig(): Promise<ResolvedConfig> {
  const cache = globalThis as { __gauntletInProcessConfig__?: Promise<ResolvedConfig> };
  cache.__gauntletInProcessConfig__ ??= loadConfig(process.env.GAUNTLET_CONFIG).then((loaded) => loaded.config);
  return cache.__gauntletInProcessConfig__;
}

/**
 * For a vitest setup file: runs a Node target inside the test worker for each test file, and points
 * gauntletContext().targetUrl (so every suite and journey) at it. The target gets the env vars it
 * would get as a process: target.start.env, then the environment's URLs under the names in
 * target.env, the upstream mocks' URLs, and port 0.
 *
 * Mutation testing needs this: Stryker switches mutants on in the process that runs the tests, so
 * the code that answers the suites' requests must run there too.
 */
export function serveInProcess(start: (env: NodeJS.ProcessEnv) => Promise<InProcessServer>): void {
  let server: InProcessServer | undefined;
  let startError: unknown;
  beforeAll(async () => {
    try {
      server = await startWith(start);
      useTargetUrl(server.url);
    } catch (error) {
      startError = error;
    }
  });
  // A target that cannot start fails every test of the file, each with the reason. (Thrown from
  // beforeAll it would leave the tests without a result, which Stryker counts as a surviving mutant.)
  beforeEach(() => {
    if (startError) throw startError;
  });
  afterAll(async () => {
    useTargetUrl(undefined);
    await server?.close();
  });
}

async function startWith(start: (env: NodeJS.ProcessEnv) => Promise<InProcessServer>): Promise<InProcessServer> {
  const config = await cachedConfig();
  const context = gauntletContext();
  const upstreams = Object.fromEntries(config.upstreams.map((u) => [u.env, context.upstreams[u.name] ?? '']));
  const startEnv = 'command' in config.target.start ? config.target.start.env : {};
  return start({
    ...process.env,
    ...startEnv,
    ...upstreams,
    [config.target.env.databaseUrl]: context.databaseUrl,
    [config.target.env.redisUrl]: context.redisUrl,
    [config.target.env.port]: '0',
  });
}
