import { z } from 'zod';
import { TEST_FILE_PATTERNS } from '../../coverage/types.ts';
import type { LoadUserBuilder } from '../../stages/load/load-users.ts';
import { commandSpec, envVars } from './common.ts';
import { volume } from './volume.ts';

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
    /**
     * Who may use an operation on another user's resource. By default an operation on a resource is
     * the owner's alone, except a POST or DELETE on a sub-path of a resource the other user can read
     * (a reply, a like, a follow: a social action). List operation ids here to say otherwise.
     */
    authorization: z
      .strictObject({
        /** Operations only the resource's owner may use, social-looking or not. @default [] */
        ownerOnly: z.array(z.string()).default([]),
        /** Operations any user may use on someone else's resource (not checked for object-level authorization). @default [] */
        shared: z.array(z.string()).default([]),
      })
      .prefault({}),
    /** A secured operation whose 2xx proves a token works (e.g. "GET /me"); default: the first secured GET without parameters, else one whose only parameters are in its path (filled from the user's resources). */
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
    /** What the target promises about passwords and sessions (OWASP ASVS V2, V3). */
    sessions: z
      .strictObject({
        /**
         * The target has a password policy: a well-known weak password accepted at sign-up or change
         * fails security:auth:weak-password (otherwise it is advice). Default: promised when the sign-up
         * body's password field has a `minLength` of 8 or more, a `pattern`, or a description of a rule.
         */
        passwordPolicy: z.boolean().optional(),
      })
      .prefault({}),
    /** Logout's revocation is checked at once and again this many seconds later (a deny-list entry that lapses early lets the token back in; 0: only at once). @default 3 */
    revocationRecheckSeconds: z.number().min(0).max(60).default(3),
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
  /**
   * Users for the VUs, written into DATA_FILE as `{ users: [...] }`: seeded and generic (email,
   * password, username, displayName); `user` reshapes each one for the target's sign-up.
   */
  data: z
    .strictObject({
      users: z.number().int().min(1).max(10_000).default(20),
      seed: z.number().int().default(1),
      /** `(user, index) => body`: the fields the target's sign-up wants, built from the generated user. */
      user: z.custom<LoadUserBuilder>((v) => typeof v === 'function', 'expected a function (user, index) => object').optional(),
    })
    .prefault({}),
  /** Sampling of the target's health and metrics while the load runs. */
  sample: z.strictObject({ intervalMs: z.number().int().min(100).default(1_000), metricsPath: z.string().startsWith('/').optional() }).prefault({}),
  /**
   * Limits on the server's side of the run, sampled from what Gauntlet started: the target's memory
   * (/proc or the engine's stats), its database's statements (pg_stat_statements) and Redis. 0 turns
   * a limit off; a figure that cannot be read here is skipped with the reason.
   */
  server: z
    .strictObject({
      /** SQL statements per HTTP request (an N+1 shows here at 1 VU, long before p95). @default 10 */
      statementsPerRequest: z.number().min(0).default(10),
      /** Calls of any one statement shape per HTTP request (a query per row of a list: the N+1 signature). @default 2 */
      statementRepeatsPerRequest: z.number().min(0).default(2),
      /** Mean time of the slowest statement shape, in ms (the "DB p95 < 50 ms" promise, as pg_stat_statements can tell). @default 50 */
      statementMeanMs: z.number().min(0).default(50),
      /** Growth of the target's resident memory over the steady phase, in MiB. @default 64 */
      memoryGrowthMb: z.number().min(0).default(64),
      /** Redis keys without a TTL added per 1,000 requests. @default 10 */
      keysWithoutTtlPer1kRequests: z.number().min(0).default(10),
      /** The share of the run's samples at the start that is warm-up, left out of the memory growth. @default 0.3 */
      warmupFraction: z.number().min(0).max(0.9).default(0.3),
    })
    .prefault({}),
  history: z
    .strictObject({
      /** JSON lines, one per run, relative to the config (commit it, or keep it as a CI artifact). */
      file: z.string().default('load/history.jsonl'),
      /** The baseline is the median of this many earlier passing runs of the same profile. @default 5 */
      baselineRuns: z.number().int().min(1).default(5),
      /**
       * Fewer comparable passing runs than this in the history: a change beyond the tolerance is
       * inconclusive (shown with the figures), never a failure: two quiet runs cannot tell a
       * regression from a busy machine. At most baselineRuns. @default 5
       */
      minimumRuns: z.number().int().min(1).default(5),
      /** A change beyond this many percent of the baseline fails. @default 25 */
      tolerancePercent: z.number().min(0).default(25),
      /** Whether this run is appended to the history (a PR smoke run might only compare). @default true */
      record: z.boolean().default(true),
    })
    .refine((h) => h.minimumRuns <= h.baselineRuns, { message: 'minimumRuns is more than baselineRuns, so no regression could ever be told: lower minimumRuns or raise baselineRuns', path: ['minimumRuns'] })
    .prefault({}),
  volume,
});

const operation = z.string().regex(/^[A-Z]+ \/\S*$/, 'expected "METHOD /path", e.g. "POST /conversations/{id}/messages"');

const e2e = z.strictObject({
  /**
   * The journey and fault suite: a test command that writes JUnit (vitest on suites/e2e). It gets
   * GAUNTLET_CONTEXT (URLs and the fault-injection channel), GAUNTLET_CONFIG, and
   * GAUNTLET_E2E_MEASUREMENTS (where the step library records timings for the gates below).
   */
  tests: z.strictObject({ ...commandSpec.shape, junit: z.string().min(1) }),
  /** What the journeys call, by name: "METHOD /path/{param}". A target with other paths changes only these. @default {} */
  endpoints: z.record(z.string().min(1), operation).default({}),
  /** Where the payload sits in every JSON answer, e.g. "data" for `{ "data": … }` envelopes. */
  envelope: z.string().min(1).optional(),
  /** Seed of the factories the journeys build their data with. @default 1 */
  seed: z.number().int().default(1),
  /** An admin the target knows (registered through target.auth if new); default: stages.security.admin.credentials. */
  admin: z.strictObject({ email: z.string().min(3), password: z.string().min(1) }).optional(),
  /** The target's dependencies as its health answer reports them: name → dot path of their status, and the value that means healthy. */
  health: z
    .strictObject({
      dependencies: z.record(z.string(), z.string().min(1)).default({}),
      up: z.string().default('up'),
    })
    .prefault({}),
  /** Prometheus metrics: the counters that must move while the journeys send requests. */
  metrics: z.strictObject({ path: z.string().startsWith('/'), counters: z.array(z.string().min(1)).min(1) }).optional(),
  /** Gates on what the journeys measure (each one only when set; a gate whose figure was never measured fails). */
  thresholds: z
    .strictObject({
      /** p95 of a streamed reply's time to first token, ms. */
      ttftMs: z.number().positive().optional(),
      /** p95 of the gaps between tokens of a streamed reply, ms. */
      interTokenMs: z.number().positive().optional(),
      /** The slowest recovery after a fault was cleared (first fully working request), ms. */
      recoveryMs: z.number().positive().optional(),
    })
    .prefault({}),
});

/**
 * Mutation testing of the target under the suites. The command runs the tool (Stryker for Node
 * targets, or any tool writing the mutation-testing report schema) with GAUNTLET_CONTEXT set.
 */
const mutation = z.strictObject({
  ...commandSpec.shape,
  /** @default 3600000 (a full run is long; PR runs should be incremental) */
  timeoutMs: z.number().int().positive().default(3_600_000),
  /** The mutation-testing-report-schema JSON the command writes, relative to cwd. @default 'reports/mutation/mutation.json' */
  report: z.string().min(1).default('reports/mutation/mutation.json'),
  /** The tool's own HTML report, linked from reports/index.html. */
  html: z.string().min(1).optional(),
});

export const stages = z
  .strictObject({
    load: load.optional(),
    mutation: mutation.optional(),
    e2e: e2e.optional(),
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
        /** How long an effect may take to show in the API's reads (an eventually consistent store): a deleted item is read again until then. @default 0 */
        consistencyMs: z.number().int().min(0).max(60_000).default(0),
        /**
         * Calls to the mocked upstreams per client request while they fail (contract:upstream:<name>:calls):
         * at most `maxPerRequest` (one call and its retries), and fewer than the first request's once
         * `breakerAfter` client requests in a row have failed (a circuit breaker, or backoff; 0: not held to one).
         */
        upstreamCalls: z.strictObject({ maxPerRequest: z.number().int().min(1).default(4), breakerAfter: z.number().int().min(0).max(50).default(10) }).prefault({}),
      })
      .prefault({}),
    security,
    unit: z
      .strictObject({
        ...commandSpec.shape,
        /** JUnit XML the command writes, relative to cwd. `{{out}}` here, in the command or in env is `<reports>/suites/unit`, the run's own (stages/_suite-out.ts). */
        junit: z.string().min(1),
        /** A coverage report the command writes (relative to cwd): lcov (c8, nyc, node --test, cargo-llvm-cov …) or Cobertura XML (coverage.py, pytest-cov, gocover-cobertura …). */
        coverage: z
          .strictObject({
            file: z.string().min(1),
            format: z.enum(['lcov', 'cobertura']),
            /** Regular expressions on file paths left out of the totals. @default test files */
            exclude: z.array(z.string()).default(TEST_FILE_PATTERNS),
          })
          .optional(),
      })
      .optional(),
  })
  .prefault({});
