import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { GauntletError } from '../errors/gauntlet-error.ts';
import type { ResolvedConfigShape } from './schema.ts';
import { validateConfig } from './validate.ts';

export const DEFAULT_CONFIG_FILE = 'gauntlet.config.ts';

/** The config with every default filled in and every path made absolute. */
export interface ResolvedConfig extends ResolvedConfigShape {
  rootDir: string;
  configFile: string;
  reportsDir: string;
}

export interface LoadedConfig {
  config: ResolvedConfig;
}

export async function loadConfig(file: string | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  const configFile = path.resolve(cwd, file ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(configFile)) {
    throw new GauntletError('GAUNTLET_CONFIG_NOT_FOUND', `No config file at ${configFile}.`, {
      fix: file
        ? 'Check the --config path.'
        : `Create ${DEFAULT_CONFIG_FILE} (see README.md#configuration) or pass --config FILE.`,
    });
  }
  let mod: { default?: unknown };
  try {
    // tsImport: the config is TypeScript and ESM wherever it lives (a plain import() of a .ts file
    // outside a "type": "module" package would load it as CommonJS, which cannot import the engine).
    const loaded = (await tsImport(pathToFileURL(configFile).href, import.meta.url)) as { default?: unknown };
    // A config compiled as CommonJS arrives wrapped once more ({ default: { default: config } }); its
    // named exports alone ({ default: { config } }, marked __esModule) mean there is no default export.
    const inner = loaded.default as { default?: unknown; target?: unknown; __esModule?: boolean } | undefined;
    const commonJs = inner !== null && typeof inner === 'object' && inner.__esModule === true;
    mod = commonJs || (inner && typeof inner === 'object' && 'default' in inner && !('target' in inner)) ? { default: inner?.default } : loaded;
  } catch (cause) {
    throw new GauntletError('GAUNTLET_CONFIG_LOAD_FAILED', `${configFile} could not be loaded: ${(cause as Error).message}`, {
      cause,
      fix: 'Fix the syntax or import error in the config file; it must `export default defineConfig({...})`.',
    });
  }
  if (mod.default === undefined) {
    throw new GauntletError('GAUNTLET_CONFIG_LOAD_FAILED', `${configFile} has no default export.`, {
      fix: "End the file with `export default defineConfig({ ... })` (import { defineConfig } from 'gauntlet/config').",
    });
  }
  const { config } = validateConfig(mod.default, path.relative(cwd, configFile) || configFile);
  return { config: resolvePaths(config, configFile) };
}

/** Turns the validated config's relative paths into absolute ones, once. */
export function resolvePaths(config: ResolvedConfigShape, configFile: string): ResolvedConfig {
  const rootDir = path.dirname(configFile);
  const abs = (p: string) => path.resolve(rootDir, p);
  const start = 'command' in config.target.start ? { ...config.target.start, cwd: abs(config.target.start.cwd) } : config.target.start;
  const openapi = config.target.openapi && 'file' in config.target.openapi ? { ...config.target.openapi, file: abs(config.target.openapi.file) } : config.target.openapi;
  return {
    ...config,
    target: {
      ...config.target,
      start,
      openapi,
      build: config.target.build && { ...config.target.build, cwd: abs(config.target.build.cwd) },
      migrate: config.target.migrate && { ...config.target.migrate, cwd: abs(config.target.migrate.cwd) },
      seed: config.target.seed && { ...config.target.seed, cwd: abs(config.target.seed.cwd) },
      coverage: config.target.coverage?.kind === 'file' && config.target.coverage.report ? { ...config.target.coverage, report: { ...config.target.coverage.report, cwd: abs(config.target.coverage.report.cwd) } } : config.target.coverage,
    },
    upstreams: config.upstreams.map((u) => ({ ...u, handlers: abs(u.handlers) })),
    environment: {
      ...config.environment,
      compose: { ...config.environment.compose, file: abs(config.environment.compose.file) },
    },
    stages: {
      ...config.stages,
      unit: config.stages.unit && { ...config.stages.unit, cwd: abs(config.stages.unit.cwd) },
      contract: { ...config.stages.contract, tests: config.stages.contract.tests && { ...config.stages.contract.tests, cwd: abs(config.stages.contract.tests.cwd) } },
      security: { ...config.stages.security, tests: config.stages.security.tests && { ...config.stages.security.tests, cwd: abs(config.stages.security.tests.cwd) } },
      mutation: config.stages.mutation && { ...config.stages.mutation, cwd: abs(config.stages.mutation.cwd) },
      load: config.stages.load && {
        ...config.stages.load,
        script: abs(config.stages.load.script),
        history: { ...config.stages.load.history, file: abs(config.stages.load.history.file) },
        volume: config.stages.load.volume && { ...config.stages.load.volume, seed: 'command' in config.stages.load.volume.seed ? { ...config.stages.load.volume.seed, cwd: abs(config.stages.load.volume.seed.cwd) } : config.stages.load.volume.seed },
      },
    },
    rootDir,
    configFile,
    reportsDir: abs(config.reports.dir),
  };
}
