import type { ResolvedConfig } from '../../config/load.ts';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import type { Environment, RestartableService, StartedEnvironment } from '../types.ts';

/** Services someone else runs: Gauntlet connects to the given URLs and never starts or stops them. */
export class ExternalEnvironment implements Environment {
  readonly kind = 'external' as const;

  constructor(private readonly config: ResolvedConfig['environment']['external']) {}

  async start(): Promise<StartedEnvironment> {
    const { databaseUrl, redisUrl, targetUrl, disposable } = this.config;
    const missing = [!databaseUrl && 'environment.external.databaseUrl', !redisUrl && 'environment.external.redisUrl'].filter(Boolean);
    if (!databaseUrl || !redisUrl) {
      throw new GauntletError('GAUNTLET_CONFIG_INVALID', `The external environment needs ${missing.join(' and ')}.`, {
        fix: 'Set them in gauntlet.config.ts (environment.external), or pick another environment with --env.',
      });
    }
    const db = new URL(databaseUrl);
    const redis = new URL(redisUrl);
    const notOurs: RestartableService = {
      stop: () => refuse('stop a service of'),
      start: () => refuse('start a service of'),
    };
    const stop = async () => undefined;
    return {
      kind: 'external',
      postgres: { adminUrl: databaseUrl, host: db.hostname, port: Number(db.port || 5432), user: decodeURIComponent(db.username), password: decodeURIComponent(db.password) },
      redis: { url: redisUrl, host: redis.hostname, port: Number(redis.port || 6379) },
      targetUrl,
      disposable,
      services: { postgres: notOurs, redis: notOurs },
      state: () => ({ kind: 'external', pids: [], containers: [], dirs: [] }),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
}

async function refuse(action: string): Promise<never> {
  throw new GauntletError('GAUNTLET_UNSAFE_EXTERNAL', `Gauntlet does not ${action} an external environment.`, {
    fix: 'Fault injection needs an environment Gauntlet started: --env native, testcontainers or compose.',
  });
}

/** Throws unless destructive steps may run on this environment. */
export function assertDisposable(env: Pick<StartedEnvironment, 'kind' | 'disposable'>, step: string): void {
  if (env.disposable) return;
  throw new GauntletError('GAUNTLET_UNSAFE_EXTERNAL', `Refusing to ${step} on the external environment: its database is not marked disposable.`, {
    fix: 'If this database may be wiped, set environment.external.disposable: true in gauntlet.config.ts; otherwise use --env native or testcontainers.',
  });
}
