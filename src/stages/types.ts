import type { ResolvedConfig } from '../config/load.ts';
import type { DatabaseManager } from '../database/database-manager.ts';
import type { StartedEnvironment } from '../environments/types.ts';
import type { CheckResult, DataTable, GateResult, StageStatus, Timeline } from '../results/types.ts';
import type { GauntletContext } from '../provision/stack.ts';
import type { StartedTarget } from '../target/target.ts';
import type { StartedControl } from '../control/control-server.ts';
import type { StartedUpstream } from '../upstreams/mock-upstream.ts';

export const STAGE_NAMES = ['unit', 'contract', 'security', 'e2e', 'load', 'mutation'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface StageContext {
  config: ResolvedConfig;
  environment: StartedEnvironment;
  target: StartedTarget;
  /** Undefined on an external environment whose database is not disposable. */
  database: DatabaseManager | undefined;
  /** The URLs of it all, as tests get them (GAUNTLET_CONTEXT). */
  gauntlet: GauntletContext;
  /** The mocked upstreams, whose faults a stage may switch (always back to 'none' before it returns). */
  upstreams: StartedUpstream[];
  /** The fault-injection channel the tests use (GauntletContext.controlUrl); stages restore it when done. */
  control: StartedControl;
  /** Reports a check as soon as it is known (the console reporter shows progress). */
  onCheck(check: CheckResult): void;
}

export interface StageOutcome {
  status: Exclude<StageStatus, 'not-available'>;
  reason?: string;
  checks: CheckResult[];
  metrics?: Record<string, number>;
  /** Gates the stage itself decides (the load stage's k6 thresholds). */
  gates?: GateResult[];
  timeline?: Timeline;
  tables?: DataTable[];
}

export interface Stage {
  name: StageName;
  description: string;
  run(context: StageContext): Promise<StageOutcome>;
}
