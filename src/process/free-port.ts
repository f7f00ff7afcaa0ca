import getPort from 'get-port';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return getPort({ host: '127.0.0.1' });
}
