import { getContainerRuntimeClient } from 'testcontainers';
import { GauntletError } from '../errors/gauntlet-error.ts';

export const DOCKER_HINT =
  'Start a Docker engine (or set DOCKER_HOST), or use --env native with local postgres and redis-server binaries. ' +
  'Behind a sandbox without a registry: eval "$(../shared/tools/docker-sandbox up)".';

/** True when a Docker engine answers within `timeoutMs` (found the way Testcontainers finds it). */
export async function dockerAvailable(timeoutMs = 5_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const probe = getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function requireDocker(what: string): Promise<void> {
  if (await dockerAvailable()) return;
  throw new GauntletError('GAUNTLET_DOCKER_UNAVAILABLE', `The ${what} environment needs a Docker engine, and none answers.`, { fix: DOCKER_HINT });
}
