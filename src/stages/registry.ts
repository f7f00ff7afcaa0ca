import { contractStage } from './contract/contract-stage.ts';
import { e2eStage } from './e2e/e2e-stage.ts';
import { loadStage } from './load/load-stage.ts';
import { mutationStage } from './mutation/mutation-stage.ts';
import { securityStage } from './security/security-stage.ts';
import type { Stage, StageName } from './types.ts';
import { unitStage } from './unit/unit-stage.ts';

/**
 * The stages this version of Gauntlet has. A name without an entry is reported as "not available",
 * never as passed.
 */
export const STAGES: Partial<Record<StageName, Stage>> = {
  unit: unitStage,
  contract: contractStage,
  security: securityStage,
  e2e: e2eStage,
  load: loadStage,
  mutation: mutationStage,
};
