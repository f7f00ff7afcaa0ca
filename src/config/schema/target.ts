import { z } from 'zod';
import { TEST_FILE_PATTERNS } from '../../coverage/types.ts';
import { command, commandSpec, envVars } from './common.ts';

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

/** A body built in code, e.g. by a factory: it gets the fresh user's credentials (and the refresh token). */
export type BodyBuilder = (values: { email: string; password: string; name: string; refreshToken?: string }) => Record<string, unknown>;

/** A request of the auth flow (register, login, refresh, logout, delete account), fresh per user. */
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
const auth = z
  .strictObject({
  register: authRequest.optional(),
  /**
   * For a backend without a sign-up route (users made by an admin command, e.g. Django's
   * `manage.py createsuperuser`): run once per user Gauntlet needs, with {{username}}, {{email}},
   * {{password}} and {{name}} filled in (shell-quoted in a string command), in the target's env and
   * database. Its output may carry the user's token (`token.fromOutput`).
   */
  createUser: commandSpec.optional(),
  /** Logs the user in and answers the token; optional with `basic` or `token.fromOutput`. */
  login: authRequest.optional(),
  /** HTTP Basic: every request carries `Authorization: Basic base64(username:password)`, no login request. @default false */
  basic: z.boolean().default(false),
  /**
   * Per OpenAPI security scheme (its name under components.securitySchemes): how a request of an
   * operation that requires that scheme authenticates, when it is not the default above.
   * `'basic'`, or `{ name, scheme }`: the token in that header.
   */
  schemes: z.record(z.string(), z.union([z.literal('basic'), z.strictObject({ name: z.string().min(1).default('authorization'), scheme: z.string().default('Bearer') })])).default({}),
  token: z
    .strictObject({
      /** A regular expression whose first group is the user's token in createUser's output ("Generated token (\\w+)"). */
      fromOutput: z.string().min(1).optional(),
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
  /**
   * Changes the current user's password (sent with the access token): the body may use {{password}}
   * (the current one) and {{newPassword}}, e.g. `{ path: '/me/password', body: { currentPassword:
   * '{{password}}', newPassword: '{{newPassword}}' } }`. Enables security:auth:password-change-revokes.
   */
  changePassword: authRequest.optional(),
  })
  .refine((a) => a.login !== undefined || a.basic || a.token.fromOutput !== undefined, { message: 'target.auth needs a way to authenticate: login, basic: true, or createUser with token.fromOutput', path: ['login'] });

/**
 * Code coverage of the target while the stages run against it (gated by gates.coverage):
 * - 'v8': a Node target; Gauntlet sets NODE_V8_COVERAGE on its process and converts what it writes at
 *   exit (source maps followed to the TypeScript). Globs are relative to target.start.cwd.
 * - 'file': any language; target.start runs the target under its coverage tool (e.g. `coverage run
 *   -m uvicorn app:app`), `report` turns the tool's data into `file` after the target stopped (e.g.
 *   `coverage xml -o coverage.xml`), and Gauntlet reads that lcov or Cobertura file.
 */
const targetCoverage = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('v8'),
    /** Source files that count, files never loaded too (uncovered). @default ['src/**'] */
    include: z.array(z.string().min(1)).default(['src/**']),
    /** @default [] (node_modules is always left out) */
    exclude: z.array(z.string().min(1)).default([]),
  }),
  z.strictObject({
    kind: z.literal('file'),
    format: z.enum(['lcov', 'cobertura']),
    /** The report, relative to target.start.cwd. */
    file: z.string().min(1),
    /** Run after the target stopped, before the file is read. */
    report: commandSpec.optional(),
    /** Regular expressions on file paths left out of the totals. @default test files */
    exclude: z.array(z.string()).default(TEST_FILE_PATTERNS),
  }),
]);

/** A URL path prefix: '' or '/api', '/v1/shop' (no trailing slash, query or fragment). */
const basePath = z.string().regex(/^(\/[^/?#\s]+)*$/, "a path like '/api' (leading slash, no trailing slash), or '' for none");

export const target = z.strictObject({
  /** @default 'target' */
  name: z.string().min(1).default('target'),
  start: z.union([processStart, imageStart]),
  /**
   * Names of the env vars the target reads. `databaseUrl` is a name, or `{ name, scheme }` when the
   * target wants another URL scheme than `postgres://`: SQLAlchemy needs `postgresql`, an async
   * driver `postgresql+asyncpg` (the migrate and seed commands get the same URL).
   */
  env: z
    .strictObject({
      databaseUrl: z
        .union([
          z.string().min(1),
          z.strictObject({ name: z.string().min(1).default('DATABASE_URL'), scheme: z.string().regex(/^[a-z][a-z0-9+.-]*$/, 'expected a URL scheme, e.g. "postgresql+asyncpg"').optional() }),
        ])
        .default('DATABASE_URL'),
      redisUrl: z.string().min(1).default('REDIS_URL'),
      port: z.string().min(1).default('PORT'),
    })
    .prefault({})
    // Resolved once: the name, and the scheme apart (database-manager.ts's databaseUrlEnv applies it).
    .transform(({ databaseUrl, ...names }) => ({ ...names, databaseUrl: typeof databaseUrl === 'string' ? databaseUrl : databaseUrl.name, databaseScheme: typeof databaseUrl === 'string' ? undefined : databaseUrl.scheme })),
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
  /**
   * The OpenAPI document: a URL path the target serves, or a file. A document that breaks the
   * OpenAPI schema stops the run (exit 2) unless `allowInvalid` (its problems then fail contract:document).
   * `basePath` is put before every path of the document; by default it is the path of the
   * document's `servers[0].url` (`/api` of `https://example.com/api` or of `/api`); `''` for none.
   */
  openapi: z
    .union([
      z.strictObject({ url: z.string().min(1), allowInvalid: z.boolean().optional(), basePath: basePath.optional() }),
      z.strictObject({ file: z.string().min(1), allowInvalid: z.boolean().optional(), basePath: basePath.optional() }),
    ])
    .optional(),
  auth: auth.optional(),
  /**
   * Seeded flaws the target can switch on for demonstrating the gate (`gauntlet run --flaw NAME`):
   * `enableEnv` is set as is, and the names go comma-separated into `namesEnv`.
   */
  flaws: z.strictObject({ enableEnv: envVars.default({}), namesEnv: z.string().min(1) }).optional(),
  coverage: targetCoverage.optional(),
  /** Grace period between SIGTERM and SIGKILL when stopping the target. @default 5000 */
  stopTimeoutMs: z.number().int().positive().default(5_000),
  /**
   * When the target process dies while the stages run, it is a failed check, and it is started
   * again on the same database so that the run goes on: at most this many times. @default 5
   */
  crashRestarts: z.number().int().min(0).default(5),
});

/** Upstream APIs of the target (LLM, speech ...) served from msw handlers on loopback during runs. */
export const upstreams = z
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
