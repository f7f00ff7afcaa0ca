import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { gauntletContext, useTargetUrl } from './context.ts';

export interface InProcessServer {
  /** Where it listens, e.g. http://127.0.0.1:40123. */
  url: string;
  close(): Promise<void>;
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
  beforeAll(async () => {
    const { config } = await loadConfig(process.env.GAUNTLET_CONFIG);
    const context = gauntletContext();
    const upstreams = Object.fromEntries(config.upstreams.map((u) => [u.env, context.upstreams[u.name] ?? '']));
    const startEnv = 'command' in config.target.start ? config.target.start.env : {};
    server = await start({
      ...process.env,
      ...startEnv,
      ...upstreams,
      [config.target.env.databaseUrl]: context.databaseUrl,
      [config.target.env.redisUrl]: context.redisUrl,
      [config.target.env.port]: '0',
    });
    useTargetUrl(server.url);
  });
  afterAll(async () => {
    useTargetUrl(undefined);
    await server?.close();
  });
}
