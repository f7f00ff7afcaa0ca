import { createServer as createHttpServer, type Server } from 'node:http';
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

/** none: the handlers answer. error: every request gets a 500. malformed: every request gets a 200 that is not JSON. */
export type UpstreamFault = 'none' | 'error' | 'malformed';

export interface StartedUpstream {
  name: string;
  url: string;
  env: string;
  /** Switches the whole upstream into a failure mode (fault injection), or back with 'none'. */
  setFault(fault: UpstreamFault): void;
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
  let fault: UpstreamFault = 'none';
  const server: Server = createHttpServer((req, res) => {
    if (fault === 'error') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"injected upstream failure","type":"server_error"}}');
    if (fault === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [ <truncated');
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => resolve());
    server.once('error', reject);
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
    setFault: (next) => {
      fault = next;
    },
    stop: async () => {
      unregister();
      await close();
    },
  };
}
