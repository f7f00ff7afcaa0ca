import type { EnvironmentKind } from '../config/schema.ts';

export interface PostgresEndpoint {
  /** Admin URL, to the `postgres` maintenance database. */
  adminUrl: string;
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface RedisEndpoint {
  url: string;
  host: string;
  port: number;
}

/** A service that fault-injection tests can stop and start again on the same address. */
export interface RestartableService {
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** What `gauntlet env down` needs to remove what an `env up` started, even if that process died. */
export interface EnvironmentState {
  kind: EnvironmentKind;
  pids: number[];
  containers: string[];
  dirs: string[];
  composeProject?: { file: string; project: string };
}

export interface StartedEnvironment {
  readonly kind: EnvironmentKind;
  readonly postgres: PostgresEndpoint;
  readonly redis: RedisEndpoint;
  /** Set when the environment runs the target itself (compose service, or an external URL). */
  readonly targetUrl: string | undefined;
  /** False only for external environments not marked disposable: destructive steps must refuse. */
  readonly disposable: boolean;
  readonly services: { postgres: RestartableService; redis: RestartableService };
  state(): EnvironmentState;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A builder: configure, then `start()` returns the started type. */
export interface Environment {
  readonly kind: EnvironmentKind;
  start(): Promise<StartedEnvironment>;
}
