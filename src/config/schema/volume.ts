import { z } from 'zod';
import { commandSpec } from './common.ts';

/**
 * Cost as data grows: before the load, the target's data is grown to each size in turn and the
 * profile runs at each; per tagged endpoint the p95, and per statement the mean time and buffers read
 * per call (pg_stat_statements), are fitted against the rows. Runs with `--volume` (the nightly
 * profile) or `enabled: true`.
 */
export const volume = z
  .strictObject({
    /** Run the volume profile on every load run (`gauntlet run --volume` switches it on for one run). @default false */
    enabled: z.boolean().default(false),
    /** The tables whose rows are the data's size: the progress bar counts them and the fit is against their sum. */
    tables: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'expected a table name, e.g. "messages" or "public.messages"')).min(1),
    /** Rows (of `tables`, together) at 1×. @default 1000 */
    base: z.number().int().positive().default(1_000),
    /** The sizes, as multiples of base, smallest first. @default [1, 10, 100] */
    sizes: z
      .array(z.number().positive())
      .min(2)
      .default([1, 10, 100])
      .refine((s) => s.every((v, i) => i === 0 || v > (s[i - 1] as number)), { message: 'sizes must grow: list them smallest first, each larger than the one before, e.g. [1, 10, 100]' }),
    /**
     * How the data grows. A command (SQL through psql, a factory script) gets DATABASE_URL and
     * GAUNTLET_VOLUME_ROWS (the rows `tables` must hold when it ends; it adds what is missing) and
     * GAUNTLET_VOLUME_SEED. Or the API's own create operations ("METHOD /path"), sent by `users`
     * users, `concurrency` at a time: all but the last once per user (what the last needs, e.g. an
     * account), the last until the tables hold the rows (e.g. the account's transactions).
     */
    seed: z.union([
      z.strictObject({ ...commandSpec.shape, timeoutMs: z.number().int().positive().default(600_000) }),
      z.strictObject({
        operations: z.array(z.string().regex(/^[A-Z]+ \/\S*$/, 'expected "METHOD /path", e.g. "POST /conversations"')).min(1),
        users: z.number().int().min(1).max(100).default(4),
        concurrency: z.number().int().min(1).max(64).default(8),
        /** Seeding a size through the API stops after this long. @default 600000 */
        timeoutMs: z.number().int().positive().default(600_000),
      }),
    ]),
    /** A sequential scan on a table with more rows than this, in the plan of a statement the load ran, is a finding. @default 10000 */
    seqScanRows: z.number().int().min(0).default(10_000),
    /**
     * A statement whose buffers read per call grow with the rows at this exponent or more (buffers ∝
     * rows^e, fitted over the sizes; 1 is a scan, an index lookup stays near 0) reads more as the data
     * grows: an endpoint that got slower meanwhile fails load:scaling, naming it. @default 0.5
     */
    statementGrowthExponent: z.number().positive().default(0.5),
    /** An endpoint is slower only when its median grew by this many ms or more from the smallest size to the largest (and a rank-sum test agrees). @default 5 */
    minimumGrowthMs: z.number().min(0).default(5),
  })
  .optional();
