import type { GauntletConfigInput } from './schema.ts';

/** Typed pass-through for gauntlet.config.ts: all checking happens once, at load. */
export function defineConfig(config: GauntletConfigInput): GauntletConfigInput {
  return config;
}
