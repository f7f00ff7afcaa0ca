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
/** A body built in code, e.g. by a factory: it gets the fresh user's credentials (and the refresh token). */
export type BodyBuilder = (values: { email: string; password: string; name: string; refreshToken?: string }) => Record<string, unknown>;

const authRequest = z.strictObject({
  method: z.string().default('POST'),
  path: z.string().startsWith('/'),
  /** A template (strings may use {{email}}, {{password}}, {{name}}, {{refreshToken}}) or a function that builds the body. */
  body: z.union([z.record(z.string(), z.unknown()), z.custom<BodyBuilder>((v) => typeof v === 'function', 'expected an object or a function (credentials) => body')]).default({}),
  /** How the body is sent: JSON, or an HTML form (e.g. FastAPI's OAuth2PasswordRequestForm). @default 'json' */
  encoding: z.enum(['json', 'form']).default('json'),
});

/**
 * How a test user gets a token: register (optional), then log in; the token is read from the login
 * response at `token.path` (dot path into the JSON, e.g. `data.session.token`) and sent in
 * `header.name` as `<scheme> <token>` (no scheme: the bare token).
 */
const auth = z.strictObject({
  register: authRequest.optional(),
  login: authRequest,
  token: z
    .strictObject({
      path: z.string().min(1).default('accessToken'),
      /** Cookie auth: the token is the value of this cookie, read from the login's Set-Cookie and sent back as `Cookie: <name>=<token>` (header is then unused). */
      cookie: z.string().min(1).optional(),
    })
    .prefault({}),
  header: z.strictObject({ name: z.string().min(1).default('authorization'), scheme: z.string().default('Bearer') }).prefault({}),
  /** Where login and refresh responses carry the refresh token (dot path), for the refresh lifecycle checks. */
  refreshToken: z.strictObject({ path: z.string().min(1) }).optional(),
  /** Rotates a refresh token; the body may use {{refreshToken}}. The response carries a new pair. */
  refresh: authRequest.optional(),
  /** Ends the session (sent with the access token); the body may use {{refreshToken}}. */
  logout: authRequest.optional(),
  /** Deletes the current user (sent with the access token). */
  deleteAccount: authRequest.extend({ method: z.string().default('DELETE') }).optional(),
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
        /**
         * How each run (and each test file's database) starts clean. 'template': migrate once into
         * <database>_template and clone it (milliseconds). 'migrate': create every database empty and
         * run target.migrate against it (for migration tools that cannot run against a template).
         * @default 'template'
         */
        reset: z.enum(['template', 'migrate']).default('template'),
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
        /** Non-loopback hosts the load and security stages may send to. @default [] */
        loadAllowlist: z.array(z.string()).default([]),
      })
      .prefault({}),
  })
  .prefault({});


/** A rate limit the target promises: `limit` requests per `windowSeconds` per key, then 429 with Retry-After. */
const rateLimit = z.strictObject({
  name: z.string().min(1),
  /** The limited operation, "METHOD /path" as in the OpenAPI document. */
  operation: z.string().regex(/^[A-Z]+ \//, 'expected "METHOD /path", e.g. "POST /auth/login"'),
  limit: z.number().int().positive().max(1_000),
  windowSeconds: z.number().positive(),
  /**
   * What the target counts by: 'ip' (the client address), 'user' (the authenticated user) or
   * 'account' (a field of the body, e.g. the login email: case and whitespace variants must share it).
   */
  key: z.enum(['ip', 'user', 'account']),
  /** The body field that names the account (key 'account'). @default 'email' */
  accountField: z.string().min(1).default('email'),
  /** Body template ({{email}}, {{password}}, {{name}} of a fresh user); default: a request generated from the document. */
  body: z.record(z.string(), z.unknown()).optional(),
});

const security = z
  .strictObject({
    /** Seed for generated data: the same seed sends the same requests. @default 1 */
    seed: z.number().int().default(1),
    /** Operations not to call, as "METHOD /path" exactly as in the document. @default [] */
    skip: z.array(z.string()).default([]),
    /** Operations that create a resource the caller owns (for the two-user checks); default: every POST without path parameters a normal user may call. */
    creates: z.array(z.string()).optional(),
    /** A secured operation whose 2xx proves a token works (e.g. "GET /me"); default: the first secured GET without parameters. */
    probe: z.string().optional(),
    /** The target's test signing secret: lets the stage forge an expired token (else that check is skipped). */
    jwt: z.strictObject({ secret: z.string().min(1), algorithm: z.enum(['HS256', 'HS384', 'HS512']).default('HS256') }).optional(),
    admin: z
      .strictObject({
        /** Admin-only operations; default: every operation that documents a 403 response. */
        operations: z.array(z.string()).optional(),
        /** A user the target makes an admin (registered through target.auth if new): proves admins get through. */
        credentials: z.strictObject({ email: z.string().min(3), password: z.string().min(1), name: z.string().default('Gauntlet admin') }).optional(),
      })
      .prefault({}),
    /** Privileged fields tried one at a time in create/update bodies; {{otherUserId}} is another user's id. */
    massAssignment: z
      .strictObject({ fields: z.record(z.string(), z.unknown()).default({ role: 'admin', isAdmin: true, userId: '{{otherUserId}}', ownerId: '{{otherUserId}}' }) })
      .prefault({}),
    injection: z
      .strictObject({
        /** A payload that makes the response this much slower than the baseline (twice in a row) is a finding. @default 1500 */
        timeThresholdMs: z.number().int().positive().default(1_500),
        /** Upper bound on injection requests. @default 600 */
        maxRequests: z.number().int().min(0).default(600),
      })
      .prefault({}),
    rateLimits: z.array(rateLimit).default([]),
    /** Longest Retry-After the stage waits for to prove a window resets (longer: that part is skipped). @default 10 */
    maxWaitSeconds: z.number().positive().default(10),
    /** Response headers every answer must carry: name → regular expression of the value. */
    headers: z
      .record(z.string(), z.string())
      .default({ 'x-content-type-options': '^nosniff$', 'x-frame-options': '^(DENY|SAMEORIGIN)$', 'content-security-policy': '.', 'strict-transport-security': '^max-age=\\d+' }),
    /** Response headers no answer may carry. @default ['x-powered-by'] */
    forbiddenHeaders: z.array(z.string()).default(['x-powered-by']),
    /** An origin the target allows (proves the CORS check reaches the CORS code); others must not be reflected. */
    cors: z.strictObject({ allowedOrigin: z.string().url().optional() }).prefault({}),
    /** The body size the target accepts; one KiB more must be refused with 413 (0: not checked). @default 1048576 */
    bodyLimitBytes: z.number().int().min(0).default(1_048_576),
    /** Starting the target with this env (e.g. production mode with the default secret) must fail. */
    insecureStart: z.strictObject({ env: envVars, timeoutMs: z.number().int().positive().default(20_000) }).optional(),
    /** Hand-written security tests (e.g. vitest on security/) run after the generated checks; they get GAUNTLET_CONTEXT. */
    tests: z.strictObject({ ...commandSpec.shape, junit: z.string().min(1) }).optional(),
  })
  .prefault({});

const load = z.strictObject({
  /** The k6 script (TypeScript or JavaScript), relative to the config. It gets BASE_URL, PROFILE, DATA_FILE and SUMMARY_FILE. */
  script: z.string().min(1),
  /** The scenario profile the script selects with PROFILE. @default 'smoke' */
  profile: z.enum(['smoke', 'load', 'stress', 'spike', 'soak']).default('smoke'),
  /** Extra `-e NAME=value` for k6. @default {} */
  env: envVars.default({}),
  /** The whole k6 run is stopped after this long. @default 1800 */
  timeoutSeconds: z.number().int().positive().default(1_800),
  /** Users for the VUs, written from the factories into DATA_FILE (seeded). */
  data: z.strictObject({ users: z.number().int().min(1).max(10_000).default(20), seed: z.number().int().default(1) }).prefault({}),
  /** Sampling of the target's health and metrics while the load runs. */
  sample: z.strictObject({ intervalMs: z.number().int().min(100).default(1_000), metricsPath: z.string().startsWith('/').optional() }).prefault({}),
  history: z
    .strictObject({
      /** JSON lines, one per run, relative to the config (commit it, or keep it as a CI artifact). */
      file: z.string().default('load/history.jsonl'),
      /** The baseline is the median of this many earlier passing runs of the same profile. @default 5 */
      baselineRuns: z.number().int().min(1).default(5),
      /** A change beyond this many percent of the baseline fails. @default 25 */
      tolerancePercent: z.number().min(0).default(25),
      /** Whether this run is appended to the history (a PR smoke run might only compare). @default true */
      record: z.boolean().default(true),
    })
    .prefault({}),
});

const stages = z
  .strictObject({
    load: load.optional(),
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
    security,
    unit: z
      .strictObject({
        ...commandSpec.shape,
        /** JUnit XML the command writes, relative to cwd. */
        junit: z.string().min(1),
        /** A coverage report the command writes (relative to cwd): lcov (c8, nyc, node --test, cargo-llvm-cov …) or Cobertura XML (coverage.py, pytest-cov, gocover-cobertura …). */
        coverage: z
          .strictObject({
            file: z.string().min(1),
            format: z.enum(['lcov', 'cobertura']),
            /** Regular expressions on file paths left out of the totals. @default test files */
            exclude: z.array(z.string()).default(['(^|/)(tests?|__tests__)/', '\\.(test|spec)\\.[cm]?[jt]sx?$', '(^|/)test_[^/]*\\.py$']),
          })
          .optional(),
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
    /** Code coverage of the target in percent, from a stage that measured it (stages.unit.coverage). */
    coverage: z
      .strictObject({
        /** @default 80 */
        lines: z.number().min(0).max(100).default(80),
        /** @default 0 (reported, not gated) */
        branches: z.number().min(0).max(100).default(0),
        /** @default 0 (reported, not gated) */
        functions: z.number().min(0).max(100).default(0),
      })
      .prefault({}),
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
