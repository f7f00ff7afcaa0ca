import { existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { GauntletError } from '../errors/gauntlet-error.ts';

export const DOCKER_HINT =
  'Start a Docker engine (or set DOCKER_HOST), or use --env native with local postgres and redis-server binaries. ' +
  'Behind a sandbox without a registry: eval "$(../shared/tools/docker-sandbox up)".';

const SOCKET = '/var/run/docker.sock';

/**
 * True when a Docker engine answers within `timeoutMs` (found the way Testcontainers finds it). With
 * no DOCKER_HOST and no ~/.testcontainers.properties, Testcontainers looks at the default socket
 * only: then that socket's `/_ping` is asked directly, so `gauntlet doctor` answers without loading
 * Testcontainers (half a second) on a machine with no engine or the usual one.
 */
export async function dockerAvailable(timeoutMs = 5_000): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync(path.join(os.homedir(), '.testcontainers.properties'))) {
    if (!existsSync(SOCKET)) return false;
    return ping(SOCKET, timeoutMs);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const probe = import('testcontainers').then(({ getContainerRuntimeClient }) => getContainerRuntimeClient()).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the engine behind a Unix socket answers its `/_ping` with 200. */
function ping(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

export async function requireDocker(what: string): Promise<void> {
  if (await dockerAvailable()) return;
  throw new GauntletError('GAUNTLET_DOCKER_UNAVAILABLE', `The ${what} environment needs a Docker engine, and none answers.`, { fix: DOCKER_HINT });
}
