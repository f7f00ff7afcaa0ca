import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { GauntletError } from '../errors/gauntlet-error.ts';
import type { RestartableService } from '../environments/types.ts';
import { logger } from '../log/logger.ts';
import { UPSTREAM_FAULTS, type StartedUpstream, type UpstreamFault } from '../upstreams/mock-upstream.ts';

const log = logger('control');

export type ServiceName = 'postgres' | 'redis';

export interface ControlState {
  upstreams: Record<string, UpstreamFault>;
  services: Record<ServiceName, 'up' | 'down'>;
}

export interface StartedControl {
  /** Base URL with the secret path prefix: whoever has it may stop the databases. */
  url: string;
  state(): ControlState;
  /** Clears every upstream fault and starts every stopped service (after a run, whatever the tests left). */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The fault-injection channel. Test files run in vitest workers, not in the process that started
 * the environment, so they switch upstream faults and stop or start Postgres and Redis through this
 * loopback server (GauntletContext.controlUrl; the client is control-client.ts). Hand-written on
 * node:http: five routes, and a framework would be the largest part of it.
 *
 *   GET  /                        the state: each upstream's fault, each service up or down
 *   PUT  /upstreams/:name/fault   {"fault": "error", "delayMs"?: 100}
 *   POST /services/:name/stop     postgres | redis
 *   POST /services/:name/start
 *   POST /restore                 every fault cleared, every stopped service started
 */
export async function startControl(upstreams: StartedUpstream[], services: Record<ServiceName, RestartableService>): Promise<StartedControl> {
  const secret = randomBytes(12).toString('hex');
  const down = new Set<ServiceName>();
  const state = (): ControlState => ({
    upstreams: Object.fromEntries(upstreams.map((u) => [u.name, u.fault])),
    services: { postgres: down.has('postgres') ? 'down' : 'up', redis: down.has('redis') ? 'down' : 'up' },
  });
  // One service operation at a time: a stop racing a start would leave the service in either state.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const service = async (name: string, action: string): Promise<void> => {
    if (name !== 'postgres' && name !== 'redis') throw new ControlError(404, `no service "${name}": use postgres or redis`);
    if (action !== 'stop' && action !== 'start') throw new ControlError(404, `no action "${action}": use stop or start`);
    await serial(async () => {
      log('%s %s', action, name);
      await services[name][action]();
      if (action === 'stop') down.add(name);
      else down.delete(name);
    });
  };

  const restore = async () => {
    for (const upstream of upstreams) upstream.setFault('none');
    for (const name of [...down]) await service(name, 'start');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parts = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    if (parts.shift() !== secret) throw new ControlError(404, 'unknown control path: use the controlUrl of GauntletContext');
    if (req.method === 'GET' && parts.length === 0) return send(res, 200, state());
    if (req.method === 'PUT' && parts[0] === 'upstreams' && parts[2] === 'fault' && parts.length === 3) {
      const upstream = upstreams.find((u) => u.name === parts[1]);
      if (!upstream) throw new ControlError(404, `no upstream "${parts[1]}": the config's upstreams are ${upstreams.map((u) => u.name).join(', ') || '(none)'}`);
      const body = (await readJson(req)) as { fault?: unknown; delayMs?: unknown };
      if (!UPSTREAM_FAULTS.includes(body.fault as UpstreamFault)) throw new ControlError(400, `"fault" must be one of ${UPSTREAM_FAULTS.join(', ')}`);
      if (body.delayMs !== undefined && !(typeof body.delayMs === 'number' && body.delayMs >= 0 && body.delayMs <= 60_000)) throw new ControlError(400, '"delayMs" must be a number of milliseconds from 0 to 60000');
      upstream.setFault(body.fault as UpstreamFault, { delayMs: body.delayMs as number | undefined });
      log('upstream %s fault %s', upstream.name, body.fault);
      return send(res, 200, state());
    }
    if (req.method === 'POST' && parts[0] === 'restore' && parts.length === 1) {
      await restore();
      return send(res, 200, state());
    }
    if (req.method === 'POST' && parts[0] === 'services' && parts.length === 3) {
      await service(parts[1]!, parts[2]!);
      return send(res, 200, state());
    }
    throw new ControlError(404, `no route ${req.method} /${parts.join('/')}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof ControlError ? error.status : error instanceof GauntletError && error.code === 'GAUNTLET_UNSAFE_EXTERNAL' ? 409 : 500;
      const message = error instanceof GauntletError ? [error.message, error.fix && `Fix: ${error.fix}`].filter(Boolean).join('\n') : (error as Error).message;
      send(res, status, { error: message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/${secret}`,
    state,
    restore,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  try {
    return JSON.parse(text || '{}');
  } catch {
    throw new ControlError(400, 'the body is not JSON: send {"fault": "..."}');
  }
}
