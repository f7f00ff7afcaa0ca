import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { cloneDatabase, type CloneHandle } from '../../src/database/database-manager.ts';
import { TargetProcess, type StartedTarget } from '../../src/target/target.ts';
import { ROOT } from './cli.ts';

export interface ExampleTarget extends StartedTarget {
  database: CloneHandle;
  /** Stops the process and drops its database. */
  dispose(): Promise<void>;
}

/**
 * Another companion-api process on the environment the globalSetup started, with a database of its
 * own (a template clone) and optional seeded flaws. Generous global rate limit so test files sharing
 * one Redis never trip it by accident; tests of limits set their own.
 */
export async function startExampleTarget(options: { flaws?: string[]; env?: Record<string, string>; unreachableDatabase?: boolean } = {}): Promise<ExampleTarget> {
  const context = inject('gauntlet');
  const { config } = await loadConfig(path.join(ROOT, 'gauntlet.config.ts'));
  const database = await cloneDatabase(context.adminUrl as string, context.templateDatabase as string, 'target');
  const reportsDir = path.join(ROOT, 'reports', 'test-targets');
  const flawEnv: Record<string, string> = options.flaws?.length ? { COMPANION_ALLOW_FLAWS: '1', COMPANION_FLAWS: options.flaws.join(',') } : {};
  const target = await new TargetProcess(
    // A database nobody listens on (port 9): the service starts, and every query finds the database down.
    // Its health then answers 503, so readiness is its OpenAPI document instead.
    { ...config, reportsDir, target: { ...config.target, name: `companion-api-${database.name}`, ...(options.unreachableDatabase ? { health: { ...config.target.health, path: '/openapi.json' } } : {}) } },
    {
      databaseUrl: options.unreachableDatabase ? 'postgres://postgres@127.0.0.1:9/unreachable' : database.url,
      redisUrl: context.redisUrl,
      env: { LLM_BASE_URL: context.upstreams.llm as string, LOG_LEVEL: 'warn', RATE_LIMIT_GLOBAL: '100000', ...flawEnv, ...options.env },
    },
  ).start();
  // Extend rather than spread: `pid` is a getter that changes on restart().
  return Object.assign(target, {
    database,
    dispose: async () => {
      await target.stop();
      await database.drop();
    },
  });
}
