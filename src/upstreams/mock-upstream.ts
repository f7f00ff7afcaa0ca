import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
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

/**
 * none: the handlers answer. error: every request gets a 500. malformed: every request gets a 200
 * that is not JSON. timeout: requests get no answer until the fault is cleared (then the held
 * connections are cut). slow: the handlers answer, but every chunk of the body (each SSE event of a
 * stream) waits `delayMs` first.
 */
export const UPSTREAM_FAULTS = ['none', 'error', 'malformed', 'timeout', 'slow'] as const;
export type UpstreamFault = (typeof UPSTREAM_FAULTS)[number];

export interface FaultOptions {
  /** For 'slow': the wait before each chunk of the body. @default 100 */
  delayMs?: number;
}

export interface StartedUpstream {
  name: string;
  url: string;
  env: string;
  /** Switches the whole upstream into a failure mode (fault injection), or back with 'none'. */
  setFault(fault: UpstreamFault, options?: FaultOptions): void;
  readonly fault: UpstreamFault;
  /** Requests the upstream has received since it started (each attempt of a retrying client counts). */
  readonly calls: number;
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
  let delayMs = 100;
  const held = new Set<ServerResponse>();
  let calls = 0;
  const server: Server = createHttpServer((req, res) => {
    calls += 1;
    if (fault === 'error') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"injected upstream failure","type":"server_error"}}');
    if (fault === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [ <truncated');
    if (fault === 'timeout') {
      held.add(res);
      res.once('close', () => held.delete(res));
      return;
    }
    if (fault === 'slow') throttle(res, delayMs);
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
    setFault: (next, options = {}) => {
      fault = next;
      delayMs = options.delayMs ?? 100;
      if (next !== 'timeout') {
        for (const res of held) res.destroy(); // the client has long given up; free the sockets
        held.clear();
      }
    },
    get fault() {
      return fault;
    },
    get calls() {
      return calls;
    },
    stop: async () => {
      unregister();
      await close();
    },
  };
}

/**
 * Delays every write (and the end) of a response by `delayMs`, in order: a slow upstream whose
 * stream trickles in. Wraps the response's own write/end, as msw's middleware writes through them.
 */
function throttle(res: ServerResponse, delayMs: number): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let queue = Promise.resolve();
  const later = (fn: () => void) => {
    queue = queue.then(() => new Promise<void>((resolve) => setTimeout(resolve, delayMs))).then(() => {
      if (!res.destroyed) fn();
    });
  };
  res.write = ((...args: unknown[]) => {
    later(() => write(...args));
    return true;
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    later(() => end(...args));
    return res;
  }) as typeof res.end;
}
