import type { Seams } from '../seams.ts';

export interface Flaw {
  name: string;
  /** What real backends got wrong, in one sentence. */
  summary: string;
  /** The Gauntlet check that must catch it. */
  caughtBy: string;
  apply(seams: Seams): void;
}
