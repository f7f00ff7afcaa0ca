import { z } from 'zod';

/** Pieces every part of the schema uses: a command to run, env vars. */
export const command = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
export const envVars = z.record(z.string(), z.string());

export const commandSpec = z.strictObject({
  /** argv array, or a string run through `sh -c`. */
  command,
  /** Working directory, relative to the config file. @default '.' */
  cwd: z.string().default('.'),
  /** Extra environment variables. @default {} */
  env: envVars.default({}),
  /** @default 120000 */
  timeoutMs: z.number().int().positive().default(120_000),
});

export type CommandSpec = z.output<typeof commandSpec>;

/** A URL with one of `schemes` and a host: checked when the config is read, so a typo never reaches a connection. */
export function urlWith(schemes: string[], example: string) {
  return z.string().refine(
    (value) => {
      try {
        const url = new URL(value);
        return schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: `expected a ${schemes.map((s) => `${s}://`).join(' or ')} URL with a host, e.g. ${example}` },
  );
}
