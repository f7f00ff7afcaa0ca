import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createServer } from '@mswjs/http-middleware';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { registerCleanup } from '../process/cleanup.ts';

export interface UpstreamSpec {
  name: string;
  /** Module that exports msw handlers. */
  handlers: string;
  /** Export name of the handler array in that module. */
  export: string;
  /** Env var that points the target at the upstream's base URL. */
  env: string;
}

export interface StartedUpstream {
  name: string;
  url: string;
  env: string;
  stop(): Promise<void>;
}

/** Serves a target's upstream (LLM, speech, payments ...) from msw handlers on a loopback port. */
export async function startMockUpstream(spec: UpstreamSpec): Promise<StartedUpstream> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(spec.handlers).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new GauntletError('GAUNTLET_CONFIG_LOAD_FAILED', `upstreams.${spec.name}: ${spec.handlers} could not be loaded: ${(cause as Error).message}`, {
      cause,
      fix: 'Point upstreams[].handlers at a module that exports an array of msw handlers.',
    });
  }
  const handlers = mod[spec.export];
  if (!Array.isArray(handlers)) {
    throw new GauntletError('GAUNTLET_CONFIG_INVALID', `upstreams.${spec.name}: ${spec.handlers} has no array export "${spec.export}".`, {
      fix: `Export the msw handlers as \`export const ${spec.export} = [...]\`, or set upstreams[].export to the right name.`,
    });
  }
  // http-middleware resolves msw's CJS typings, we its ESM ones: same class at runtime, two declarations.
  const app = createServer(...(handlers as Parameters<typeof createServer>));
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const unregister = registerCleanup(`upstream ${spec.name}`, close);
  return {
    name: spec.name,
    url: `http://127.0.0.1:${port}`,
    env: spec.env,
    stop: async () => {
      unregister();
      await close();
    },
  };
}
