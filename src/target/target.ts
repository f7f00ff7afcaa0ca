import path from 'node:path';
import type { ResolvedConfig } from '../config/load.ts';
import { databaseUrlEnv, withDatabaseParts } from '../database/database-manager.ts';
import { logger } from '../log/logger.ts';
import { registerCleanup } from '../process/cleanup.ts';
import { freePort } from '../process/free-port.ts';
import { ManagedProcess, type ExitInfo } from '../process/managed-process.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpStatusIs } from '../wait/http.ts';
import { waitFor } from '../wait/wait-for.ts';
import { liveness } from './liveness.ts';

const log = logger('target');

export interface TargetWiring {
  databaseUrl: string;
  redisUrl: string;
  /** Extra env vars for the target (e.g. an upstream mock's URL). */
  env?: Record<string, string>;
}

export interface StartedTarget {
  readonly url: string;
  readonly pid: number | undefined;
  /** The container that runs it (an image target, a compose service): where its memory and CPU are read. */
  readonly containerId?: string;
  readonly logFile: string;
  lastLogLines(n?: number): string[];
  /** Stops and starts the process again on the same port (e.g. to prove data survives a restart). */
  restart(): Promise<void>;
  /**
   * Starts a second instance with `env` on top (e.g. production mode with a default secret) and
   * reports whether it became healthy or exited; it is stopped either way. Process targets only.
   */
  tryStart?(env: Record<string, string>, timeoutMs: number): Promise<TryStartOutcome>;
  stop(): Promise<void>;
}

export interface TryStartOutcome {
  healthy: boolean;
  /** How it exited, when it exited on its own before becoming healthy. */
  exit?: ExitInfo;
  log: string[];
}

/** Runs the configured target as a process with the environment's URLs in the env vars it reads. */
export class TargetProcess {
  constructor(
    private readonly config: ResolvedConfig,
    private readonly wiring: TargetWiring,
  ) {}

  async start(): Promise<StartedTarget> {
    const { target } = this.config;
    if (!('command' in target.start)) throw new Error('TargetProcess needs target.start.command; image targets use TargetContainer');
    const start = target.start;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logFile = path.join(this.config.reportsDir, `${target.name}.log`);
    const env = {
      ...process.env,
      ...withDatabaseParts(start.env, this.wiring.databaseUrl),
      ...this.wiring.env,
      ...databaseUrlEnv(target.env, this.wiring.databaseUrl),
      [target.env.redisUrl]: this.wiring.redisUrl,
      [target.env.port]: String(port),
    };
    let proc: ManagedProcess | undefined;
    // Set while Gauntlet itself stops the process (a restart, the end): that exit is no crash.
    let halting = false;
    const launch = async (): Promise<void> => {
      const started = performance.now();
      const mine = new ManagedProcess({ name: target.name, command: start.command, cwd: start.cwd, env, logFile });
      proc = mine;
      await waitFor({
        what: `${target.name} health at ${url}${target.health.path}`,
        check: () => httpStatusIs(`${url}${target.health.path}`, target.health.status),
        timeoutMs: target.health.timeoutMs,
        intervalMs: target.health.intervalMs,
        process: mine,
        fix: (last) =>
          /answered \d+/.test(last)
            ? `The target is listening, but ${target.health.path} does not answer ${target.health.status}: set target.health.path (and target.health.status) to an endpoint that answers ${target.health.status} once the target is ready: a documented health operation, /healthz, / or the OpenAPI document's path. The full log is in ${logFile}.`
            : `Check target.start (command, cwd) and target.env (the env var names it reads: ${target.env.databaseUrl}, ${target.env.redisUrl}, ${target.env.port}); the full log is in ${logFile}.`,
      });
      log('%s healthy at %s in %d ms', target.name, url, Math.round(performance.now() - started));
      // From now on an exit nobody asked for is a crash: observed as it happens, even after a response was sent.
      void mine.exited.then((exit) => {
        if (proc === mine && !halting) liveness.crashed(exit, mine.logs.last(30), launch);
      });
    };
    const halt = async () => {
      halting = true;
      try {
        await proc?.stop('SIGTERM', target.stopTimeoutMs);
      } finally {
        halting = false;
      }
    };
    const unregister = registerCleanup(`target ${target.name}`, halt);
    try {
      await launch();
    } catch (error) {
      await halt();
      unregister();
      throw error;
    }
    return {
      url,
      get pid() {
        return proc?.pid;
      },
      logFile,
      lastLogLines: (n = 50) => proc?.logs.last(n) ?? [],
      restart: async () => {
        await halt();
        await launch();
      },
      tryStart: async (extraEnv, timeoutMs) => {
        const probePort = await freePort();
        const probe = new ManagedProcess({ name: `${target.name}-try`, command: start.command, cwd: start.cwd, env: { ...env, ...extraEnv, [target.env.port]: String(probePort) }, logFile: path.join(this.config.reportsDir, `${target.name}-try-start.log`) });
        const unregisterProbe = registerCleanup(`target ${target.name} (try start)`, async () => {
          await probe.stop('SIGKILL', 1_000);
        });
        try {
          const deadline = Date.now() + timeoutMs;
          while (Date.now() < deadline) {
            const exit = await Promise.race([probe.exited, sleep(target.health.intervalMs).then(() => undefined)]);
            if (exit) return { healthy: false, exit, log: probe.logs.last(20) };
            if (await httpStatusIs(`http://127.0.0.1:${probePort}${target.health.path}`, target.health.status).catch(() => false)) return { healthy: true, log: probe.logs.last(20) };
          }
          return { healthy: false, log: probe.logs.last(20) };
        } finally {
          await probe.stop('SIGTERM', target.stopTimeoutMs);
          unregisterProbe();
        }
      },
      stop: async () => {
        unregister();
        halting = true;
        await proc?.stop('SIGTERM', target.stopTimeoutMs);
      },
    };
  }
}
