import { ERROR_CODES, type ErrorCode } from './codes.ts';

export interface GauntletErrorDetails {
  /** What to do about it, in one or two sentences. */
  fix?: string;
  /** Extra lines shown under the message (e.g. the last log lines of a process). */
  detail?: string[];
  cause?: unknown;
}

/**
 * A user-facing error: a code, the cause, the fix. Printed without a stack.
 * Anything that is not a GauntletError is an internal error and is printed with one.
 */
export class GauntletError extends Error {
  readonly code: ErrorCode;
  readonly fix: string | undefined;
  readonly detail: string[];

  constructor(code: ErrorCode, message: string, details: GauntletErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'GauntletError';
    this.code = code;
    this.fix = details.fix;
    this.detail = details.detail ?? [];
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}

export function isGauntletError(error: unknown): error is GauntletError {
  return error instanceof GauntletError;
}

/** The text the CLI prints for an error; internal errors keep their stack. */
export function formatError(error: unknown): string {
  if (isGauntletError(error)) {
    const lines = [`${error.code}: ${error.message}`, ...error.detail.map((l) => `  ${l}`)];
    if (error.fix) lines.push(`Fix: ${error.fix}`);
    return lines.join('\n');
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return [
    'GAUNTLET_INTERNAL: an unexpected error (a bug in Gauntlet, or in a library it uses).',
    stack,
    'More detail: run again with DEBUG=gauntlet:* and include the output in a bug report.',
  ].join('\n');
}
