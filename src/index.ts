/** The public API. Named exports only. */
export { defineConfig } from './config/define-config.ts';
export type { GauntletConfigInput as GauntletConfig } from './config/schema.ts';
export { loadConfig, type ResolvedConfig } from './config/load.ts';
export { NativeEnvironment } from './environments/native/native-environment.ts';
export { TestcontainersEnvironment } from './environments/testcontainers/testcontainers-environment.ts';
export { ComposeEnvironment } from './environments/compose/compose-environment.ts';
export { ExternalEnvironment } from './environments/external/external-environment.ts';
export type { Environment, StartedEnvironment } from './environments/types.ts';
export { DatabaseManager } from './database/database-manager.ts';
export { startStack, type GauntletContext, type Stack } from './provision/stack.ts';
export { runGauntlet, type RunOptions } from './run/run-gauntlet.ts';
export { GauntletError } from './errors/gauntlet-error.ts';
export type { CheckResult, GateResult, RunResult, StageResult } from './results/types.ts';
export type { Reporter } from './reporters/types.ts';
