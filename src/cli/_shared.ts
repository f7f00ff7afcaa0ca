import type { EnvironmentKind } from '../config/schema.ts';
import type { ResolvedConfig } from '../config/load.ts';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { STAGE_NAMES, type StageName } from '../stages/types.ts';

export const ENV_KINDS = ['auto', 'native', 'testcontainers', 'compose', 'external'] as const;

export const commonArgs = {
  config: { type: 'string', description: 'Path to the config file (default: gauntlet.config.ts)' },
  env: { type: 'string', description: `Environment: ${ENV_KINDS.join('|')} (default: the config's environment.default)` },
} as const;

/** Loads and validates the config (every problem at once, exit 2). */
export async function loadConfigForCli(file: string | undefined): Promise<ResolvedConfig> {
  const { loadConfig } = await import('../config/load.ts'); // loaded by the commands that use it: --help answers at once
  return (await loadConfig(file)).config;
}

export function parseEnvKind(value: string | undefined, config: ResolvedConfig): EnvironmentKind {
  if (value === undefined) return config.environment.default;
  if ((ENV_KINDS as readonly string[]).includes(value)) return value as EnvironmentKind;
  throw new GauntletError('GAUNTLET_USAGE', `--env ${value} is not an environment.`, { fix: `Use one of: ${ENV_KINDS.join(', ')}.` });
}

/** The target env that switches on seeded flaws, from the config's `target.flaws` declaration. */
export function flawEnv(value: string | undefined, config: ResolvedConfig): Record<string, string> {
  if (value === undefined || value === '') return {};
  const flaws = config.target.flaws;
  if (!flaws) {
    throw new GauntletError('GAUNTLET_USAGE', `--flaw ${value}: the target ${config.target.name} declares no seeded flaws.`, {
      fix: 'Declare target.flaws ({ enableEnv, namesEnv }) in gauntlet.config.ts, or drop --flaw.',
    });
  }
  return { ...flaws.enableEnv, [flaws.namesEnv]: value };
}

export function parseStageList(value: string | undefined, flag: string, fallback: readonly StageName[]): StageName[] {
  if (value === undefined || value === '') return [...fallback];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(STAGE_NAMES as readonly string[]).includes(n));
  if (unknown.length) {
    throw new GauntletError('GAUNTLET_USAGE', `${flag} names unknown stage${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`, {
      fix: `Stages are: ${STAGE_NAMES.join(', ')} (comma-separated, e.g. ${flag} unit,contract).`,
    });
  }
  return names as StageName[];
}

export const LOAD_PROFILES = ['smoke', 'load', 'stress', 'spike', 'soak'] as const;

/** `--profile` over stages.load.profile. */
export function withLoadProfile(config: ResolvedConfig, profile: string | undefined): ResolvedConfig {
  if (profile === undefined) return config;
  if (!(LOAD_PROFILES as readonly string[]).includes(profile)) {
    throw new GauntletError('GAUNTLET_USAGE', `--profile ${profile} is not a load profile.`, { fix: `Use one of: ${LOAD_PROFILES.join(', ')}.` });
  }
  if (!config.stages.load) throw new GauntletError('GAUNTLET_USAGE', '--profile: the config has no stages.load.', { fix: 'Add stages.load ({ script, profile }) to gauntlet.config.ts, or drop --profile.' });
  return { ...config, stages: { ...config.stages, load: { ...config.stages.load, profile: profile as (typeof LOAD_PROFILES)[number] } } };
}

/** `--volume` switches stages.load.volume on for this run (the nightly volume profile). */
export function withVolume(config: ResolvedConfig, volume: boolean | undefined): ResolvedConfig {
  if (!volume) return config;
  const load = config.stages.load;
  if (!load?.volume) {
    throw new GauntletError('GAUNTLET_USAGE', '--volume: the config has no stages.load.volume.', {
      fix: "Add stages.load.volume to gauntlet.config.ts: the tables that grow and how (e.g. { tables: ['messages'], seed: { command: 'psql \"$DATABASE_URL\" -f seed.sql' } }), or drop --volume.",
    });
  }
  return { ...config, stages: { ...config.stages, load: { ...load, volume: { ...load.volume, enabled: true } } } };
}

/**
 * `--seed N` over every seed of the config (stages.contract, security and e2e, the load users): the
 * same seed sends the same requests, whatever the config says.
 */
export function withSeed(config: ResolvedConfig, value: string | undefined): ResolvedConfig {
  if (value === undefined) return config;
  const seed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(seed)) throw new GauntletError('GAUNTLET_USAGE', `--seed ${value} is not a whole number.`, { fix: 'Pass e.g. --seed 7 (the same seed sends the same requests).' });
  const stages = Object.fromEntries(
    Object.entries(config.stages).map(([name, stage]) => {
      if (!stage || typeof stage !== 'object') return [name, stage];
      const seeded: Record<string, unknown> = { ...stage, ...('seed' in stage ? { seed } : {}) };
      const data = (stage as { data?: unknown }).data;
      if (data && typeof data === 'object' && 'seed' in data) seeded.data = { ...data, seed };
      return [name, seeded];
    }),
  );
  return { ...config, stages: stages as ResolvedConfig['stages'] };
}
