import { z } from 'zod';

/**
 * The one schema for gauntlet.config.ts. It is also the only source of defaults:
 * inner code receives the parsed (fully resolved) object and never checks for undefined.
 * Objects are strict so unknown keys are found; they are reported as warnings (see validate.ts).
 */
const command = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const envVars = z.record(z.string(), z.string());

const commandSpec = z.strictObject({
  /** argv array, or a string run through `sh -c`. */
  command,
  /** Working directory, relative to the config file. @default '.' */
  cwd: z.string().default('.'),
  /** Extra environment variables. @default {} */
  env: envVars.default({}),
  /** @default 120000 */
  timeoutMs: z.number().int().positive().default(120_000),
});

const processStart = z.strictObject({
  command,
  cwd: z.string().default('.'),
  env: envVars.default({}),
});

const imageStart = z.strictObject({
  /** A Docker image that runs the target; it runs on the host network with the same env vars. */
  image: z.string().min(1),
  env: envVars.default({}),
});

/** A request of the auth flow. String values may use {{email}}, {{password}} and {{name}}: fresh per user. */
const authRequest = z.strictObject({
  method: z.string().default('POST'),
  path: z.string().startsWith('/'),
  body: z.record(z.string(), z.unknown()).default({}),
});

/**
 * How a test user gets a token: register (optional), then log in; the token is read from the login
 * response at `token.path` (dot path into the JSON, e.g. `data.session.token`) and sent in
 * `header.name` as `<scheme> <token>` (no scheme: the bare token).
 */
const auth = z.strictObject({
  register: authRequest.optional(),
  login: authRequest,
  token: z.strictObject({ path: z.string().min(1).default('accessToken') }).prefault({}),
  header: z.strictObject({ name: z.string().min(1).default('authorization'), scheme: z.string().default('Bearer') }).prefault({}),
});

const target = z.strictObject({
  /** @default 'target' */
  name: z.string().min(1).default('target'),
  start: z.union([processStart, imageStart]),
  /** Names of the env vars the target reads. */
  env: z
    .strictObject({
      databaseUrl: z.string().min(1).default('DATABASE_URL'),
      redisUrl: z.string().min(1).default('REDIS_URL'),
      port: z.string().min(1).default('PORT'),
    })
    .prefault({}),
  /** Builds what the target's image needs (run before compose builds it, and before an image target starts). */
  build: commandSpec.optional(),
  migrate: commandSpec.optional(),
  seed: commandSpec.optional(),
  health: z
    .strictObject({
      /** @default '/health' */
      path: z.string().startsWith('/').default('/health'),
      /** @default 200 */
      status: z.number().int().min(100).max(599).default(200),
      /** @default 30000 */
      timeoutMs: z.number().int().positive().default(30_000),
      /** @default 100 */
      intervalMs: z.number().int().positive().default(100),
    })
    .prefault({}),
  openapi: z.union([z.strictObject({ url: z.string().min(1) }), z.strictObject({ file: z.string().min(1) })]).optional(),
  auth: auth.optional(),
  /**
   * Seeded flaws the target can switch on for demonstrating the gate (`gauntlet run --flaw NAME`):
   * `enableEnv` is set as is, and the names go comma-separated into `namesEnv`.
   */
  flaws: z.strictObject({ enableEnv: envVars.default({}), namesEnv: z.string().min(1) }).optional(),
  /** Grace period between SIGTERM and SIGKILL when stopping the target. @default 5000 */
  stopTimeoutMs: z.number().int().positive().default(5_000),
});

const environment = z
  .strictObject({
    /** @default 'auto' (testcontainers when a Docker engine answers, else native) */
    default: z.enum(['auto', 'native', 'testcontainers', 'compose', 'external']).default('auto'),
    postgres: z
      .strictObject({
        image: z.string().default('postgres:16-alpine'),
        database: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('app'),
        user: z.string().default('postgres'),
        password: z.string().default('postgres'),
        /** Directory with initdb and postgres; found on PATH or under /usr/lib/postgresql when unset. */
        binDir: z.string().optional(),
      })
      .prefault({}),
    redis: z
      .strictObject({
        image: z.string().default('redis:7-alpine'),
        /** @default 'redis-server' */
        binary: z.string().default('redis-server'),
      })
      .prefault({}),
    compose: z
      .strictObject({
        file: z.string().default('docker-compose.test.yml'),
        postgresService: z.string().default('postgres'),
        redisService: z.string().default('redis'),
        /** The service that runs the target; when unset the target is started as a process. */
        targetService: z.string().optional(),
        targetPort: z.number().int().positive().default(3000),
      })
      .prefault({}),
    external: z
      .strictObject({
        databaseUrl: z.string().optional(),
        redisUrl: z.string().optional(),
        /** A target that is already running; when unset the target is started as a process. */
        targetUrl: z.string().optional(),
        /** Destructive steps (reset, truncate, seed, load) refuse to run unless this is true. @default false */
        disposable: z.boolean().default(false),
        /** Non-loopback hosts the load stage may target. @default [] */
        loadAllowlist: z.array(z.string()).default([]),
      })
      .prefault({}),
  })
  .prefault({});

const stages = z
  .strictObject({
    contract: z
      .strictObject({
        /** Seed for generated request data: the same seed sends the same requests. @default 1 */
        seed: z.number().int().default(1),
        /** Operations not to call, as "METHOD /path" exactly as in the document. @default [] */
        skip: z.array(z.string()).default([]),
        /** Expect 4xx for a body with an unknown field (false: the target may ignore it). @default true */
        rejectUnknownFields: z.boolean().default(true),
        /** Property-based fuzzing: at most this many requests and seconds in all, shared by the operations. */
        fuzz: z.strictObject({ requests: z.number().int().min(0).default(300), seconds: z.number().positive().default(30) }).prefault({}),
        /** Hand-written contract tests (e.g. vitest on contracts/) run after the generated checks; they get GAUNTLET_CONTEXT. */
        tests: z.strictObject({ ...commandSpec.shape, junit: z.string().min(1) }).optional(),
        /** Check that what was written is still there after the target process restarts. @default true */
        persistence: z.boolean().default(true),
      })
      .prefault({}),
    unit: z
      .strictObject({
        ...commandSpec.shape,
        /** JUnit XML the command writes, relative to cwd. */
        junit: z.string().min(1),
      })
      .optional(),
  })
  .prefault({});

/** Upstream APIs of the target (LLM, speech ...) served from msw handlers on loopback during runs. */
const upstreams = z
  .array(
    z.strictObject({
      name: z.string().min(1),
      /** Module exporting the msw handlers, relative to the config file. */
      handlers: z.string().min(1),
      /** @default 'handlers' */
      export: z.string().min(1).default('handlers'),
      /** Env var that points the target at this upstream's base URL. */
      env: z.string().min(1),
    }),
  )
  .default([]);

const gates = z
  .strictObject({
    apiCoverage: z
      .strictObject({
        /** Percent of documented operations exercised. @default 100 */
        operations: z.number().min(0).max(100).default(100),
        /** Percent of documented (operation, status) pairs observed. @default 0 (reported, not gated) */
        statusCodes: z.number().min(0).max(100).default(0),
        /** Percent of documented parameters sent. @default 0 (reported, not gated) */
        parameters: z.number().min(0).max(100).default(0),
      })
      .prefault({}),
  })
  .prefault({});

export const configSchema = z.strictObject({
  target,
  upstreams,
  environment,
  stages,
  gates,
  reports: z.strictObject({ dir: z.string().default('reports') }).prefault({}),
});

export type GauntletConfigInput = z.input<typeof configSchema>;
export type ResolvedConfigShape = z.output<typeof configSchema>;
export type EnvironmentKind = ResolvedConfigShape['environment']['default'];
export type CommandSpec = z.output<typeof commandSpec>;
