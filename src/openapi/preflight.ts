import type { ResolvedConfig } from '../config/load.ts';
import type { StageName } from '../stages/types.ts';
import { loadDocument } from './document.ts';

/** The stages that generate their checks from the OpenAPI document. */
const DOCUMENT_STAGES: StageName[] = ['contract', 'security'];

/**
 * Before anything starts: a document in a file is read and validated, so that a missing, unreadable
 * or invalid one stops the run at once (exit 2, with the validator's findings) instead of after the
 * whole stack has come up. A document the target serves can only be read once it runs.
 */
export async function preflightDocument(config: ResolvedConfig, stages: StageName[]): Promise<void> {
  const location = config.target.openapi;
  if (!location || !('file' in location) || !stages.some((s) => DOCUMENT_STAGES.includes(s))) return;
  await loadDocument(location, 'http://127.0.0.1');
}
