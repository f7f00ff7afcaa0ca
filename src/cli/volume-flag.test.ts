import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../config/load.ts';
import { validateConfig } from '../config/validate.ts';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { withVolume } from './_shared.ts';

const config = (volume?: unknown) => ({ ...validateConfig({ target: { start: { command: 'x' } }, stages: { load: { script: 'a.k6.ts', ...(volume ? { volume } : {}) } } }, 'c').config, rootDir: '.', configFile: 'c', reportsDir: 'reports' }) as ResolvedConfig;

describe('--volume', () => {
  it('switches stages.load.volume on for the run, and leaves the config alone without the flag', () => {
    const with_ = config({ tables: ['messages'], seed: { command: 'node seed.js' } });
    expect(with_.stages.load?.volume?.enabled).toBe(false);
    expect(withVolume(with_, true).stages.load?.volume?.enabled).toBe(true);
    expect(withVolume(with_, undefined)).toBe(with_);
  });

  it('without stages.load.volume: a usage error with what to add', () => {
    let error: unknown;
    try {
      withVolume(config(), true);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GauntletError);
    expect((error as GauntletError).message).toBe('--volume: the config has no stages.load.volume.');
    expect((error as GauntletError).fix).toMatch(/^Add stages\.load\.volume to gauntlet\.config\.ts: the tables that grow and how/);
  });
});
