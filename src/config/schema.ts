import { z } from 'zod';
import { environment } from './schema/environment.ts';
import { gates } from './schema/gates.ts';
import { stages } from './schema/stages.ts';
import { target, upstreams } from './schema/target.ts';

export type { CommandSpec } from './schema/common.ts';
export type { BodyBuilder } from './schema/target.ts';

/**
 * The one schema for gauntlet.config.ts. It is also the only source of defaults:
 * inner code receives the parsed (fully resolved) object and never checks for undefined.
 * Objects are strict so unknown keys are found; they are errors with a did-you-mean (see validate.ts).
 * One file per part: schema/target.ts (the target, its auth flow, upstreams), environment.ts,
 * stages.ts (one block per stage), gates.ts, common.ts (commands, env vars).
 */
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
