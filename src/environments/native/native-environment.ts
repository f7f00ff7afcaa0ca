import path from 'node:path';
import type { ResolvedConfig } from '../../config/load.ts';
import { logger } from '../../log/logger.ts';
import { registerCleanup } from '../../process/cleanup.ts';
import type { Environment, StartedEnvironment } from '../types.ts';
import { NativePostgres } from './native-postgres.ts';
import { NativeRedis } from './native-redis.ts';

const log = logger('env');

/** Postgres and Redis from local binaries, started in parallel. The embedded default. */
export class NativeEnvironment implements Environment {
  readonly kind = 'native' as const;
  private logDir: string | undefined;

  constructor(private readonly config: Pick<ResolvedConfig['environment'], 'postgres' | 'redis'>) {}

  /** Keep postgres.log and redis.log in this directory. */
  withLogDir(dir: string): this {
    this.logDir = dir;
    return this;
  }

  async start(): Promise<StartedEnvironment> {
    const started = performance.now();
    const postgres = new NativePostgres({
      binDir: this.config.postgres.binDir,
      user: this.config.postgres.user,
      password: this.config.postgres.password,
      logFile: this.logDir && path.join(this.logDir, 'postgres.log'),
    });
    const redis = new NativeRedis({ binary: this.config.redis.binary, logFile: this.logDir && path.join(this.logDir, 'redis.log') });
    const destroy = async () => {
      await Promise.all([postgres.destroy(), redis.destroy()]);
    };
    const unregister = registerCleanup('native environment', destroy);
    const results = await Promise.allSettled([postgres.start(), redis.start()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await destroy();
      unregister();
      throw failed.reason;
    }
    log('native environment ready in %d ms', Math.round(performance.now() - started));
    const stop = async () => {
      unregister();
      await destroy();
    };
    return {
      kind: 'native',
      postgres: postgres.endpoint,
      redis: redis.endpoint,
      targetUrl: undefined,
      disposable: true,
      services: { postgres, redis },
      state: () => ({
        kind: 'native',
        pids: [postgres.pid, redis.pid].filter((p): p is number => p !== undefined),
        containers: [],
        dirs: [postgres.dir, redis.dir].filter((d): d is string => d !== undefined),
      }),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
}
