import { z } from 'zod';

export const gates = z
  .strictObject({
    /** Code coverage in percent, from what measured it: the target while the stages ran (target.coverage), its own unit tests (stages.unit.coverage). */
    coverage: z
      .strictObject({
        /** @default 80 */
        lines: z.number().min(0).max(100).default(80),
        /** @default 0 (reported, not gated) */
        branches: z.number().min(0).max(100).default(0),
        /** @default 0 (reported, not gated) */
        functions: z.number().min(0).max(100).default(0),
      })
      .prefault({}),
    apiCoverage: z
      .strictObject({
        /** Percent of documented operations exercised. @default 100 */
        operations: z.number().min(0).max(100).default(100),
        /** Percent of documented (operation, status) pairs observed. @default 0 (reported, not gated) */
        statusCodes: z.number().min(0).max(100).default(0),
        /** Percent of documented parameters sent. @default 0 (reported, not gated) */
        parameters: z.number().min(0).max(100).default(0),
      })
      .prefault({}),
    /**
     * Failed checks that are only deviations from the OpenAPI document (an undocumented status or
     * content type, another body shape): 'fail' fails the gate like a bug, 'report' counts them apart.
     * @default 'fail': the document is the contract clients are built on, and a gate that passes a
     * broken contract is worse than none; 'report' is for a first run on an API whose document is
     * known to be loose, to see its bugs first.
     */
    deviations: z.enum(['fail', 'report']).default('fail'),
    /**
     * Percent of operations whose valid request got a 2xx in the contract stage (as the user, the
     * admin, after producers): what every other check of an operation stands on. `gates.reach: 95`
     * fails a run that reached fewer. @default 0 (reported, not gated)
     */
    /**
     * Failures that did not come back when Gauntlet sent their request again before reporting them
     * (a server error once, then the documented answer twice): 'report' shows them apart, failing no
     * gate; 'fail' fails the gate like any other. @default 'report': a gate a team keeps on must not
     * fail on what it cannot reproduce.
     */
    flaky: z.enum(['fail', 'report']).default('report'),
    reach: z.number().min(0).max(100).default(0),
    mutation: z
      .strictObject({
        /** Percent of valid mutants the suites detect (stages.mutation). @default 0 (reported, not gated) */
        score: z.number().min(0).max(100).default(0),
      })
      .prefault({}),
  })
  .prefault({});
