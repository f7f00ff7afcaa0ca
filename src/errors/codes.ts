/**
 * The one catalogue of coded errors. Every code is documented in docs/errors.md
 * (a test checks that), and every code says which exit code the CLI uses for it.
 */
export const ERROR_CODES = {
  GAUNTLET_USAGE: { exit: 2, summary: 'The command line is not valid.' },
  GAUNTLET_BASELINE_INVALID: { exit: 2, summary: 'The baseline file (gauntlet.baseline.json) is not one gauntlet baseline wrote.' },
  GAUNTLET_CONFIG_NOT_FOUND: { exit: 2, summary: 'No gauntlet.config.ts was found.' },
  GAUNTLET_CONFIG_LOAD_FAILED: { exit: 2, summary: 'The config file could not be loaded (syntax or import error).' },
  GAUNTLET_CONFIG_INVALID: { exit: 2, summary: 'The config does not match the schema.' },
  GAUNTLET_BINARY_MISSING: { exit: 2, summary: 'A binary the chosen environment needs is not installed.' },
  GAUNTLET_DOCKER_UNAVAILABLE: { exit: 2, summary: 'No Docker engine answers, but the environment needs one.' },
  GAUNTLET_ENV_START_FAILED: { exit: 2, summary: 'Postgres, Redis or another service of the environment did not start.' },
  GAUNTLET_WAIT_TIMEOUT: { exit: 2, summary: 'Something did not become ready within its timeout.' },
  GAUNTLET_TARGET_EXITED: { exit: 2, summary: 'The target process exited before it became healthy.' },
  GAUNTLET_COMMAND_FAILED: { exit: 2, summary: 'A configured command (migrate, seed, unit) could not run or failed.' },
  GAUNTLET_UNSAFE_EXTERNAL: { exit: 2, summary: 'A destructive step was refused on an external environment.' },
  GAUNTLET_ENV_ALREADY_RUNNING: { exit: 2, summary: '`gauntlet env up` found an environment from an earlier `env up` still running.' },
  GAUNTLET_OPENAPI_UNREADABLE: { exit: 2, summary: 'The OpenAPI document could not be fetched, parsed or is not OpenAPI 3.x.' },
  GAUNTLET_OPENAPI_INVALID: { exit: 2, summary: 'The OpenAPI document breaks the OpenAPI schema: the validator says where.' },
  GAUNTLET_INTERRUPTED: { exit: 2, summary: 'A signal (Ctrl-C, SIGTERM) stopped the run; the process exits 130/143/129.' },
  GAUNTLET_INTERNAL: { exit: 2, summary: 'A bug in Gauntlet.' },
} as const satisfies Record<string, { exit: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
