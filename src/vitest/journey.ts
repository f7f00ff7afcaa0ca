import { afterAll, beforeAll, describe, test } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { createKit, type Journey, type JourneyKit } from '../e2e/journey.ts';
import { gauntletContext } from './context.ts';

let kitPromise: Promise<JourneyKit> | undefined;

/** The kit for this test file: the config of GAUNTLET_CONFIG (default gauntlet.config.ts) and the injected context. */
export function journeyKit(): Promise<JourneyKit> {
  kitPromise ??= loadConfig(process.env.GAUNTLET_CONFIG).then(({ config }) => createKit(config, gauntletContext()));
  return kitPromise;
}

/**
 * Declares a journey as a vitest suite: one test per step, in order, so each step is reported (and
 * becomes a check of the e2e stage) on its own. After a failed step the rest are skipped, naming it.
 *
 * With GAUNTLET_JOURNEY_TESTS=whole a journey is one test that runs every step. Mutation testing
 * needs that: Stryker runs the tests that cover a mutant on their own, and a step run without the
 * steps before it fails for want of their state, which would count as killing the mutant.
 */
export function describeJourney<S>(j: Journey<S>, kit: () => Promise<JourneyKit> = journeyKit): void {
  if (process.env.GAUNTLET_JOURNEY_TESTS === 'whole') return describeWholeJourney(j, kit);
  describe(j.name, () => {
    let k: JourneyKit;
    const state = j.state();
    let failed: string | undefined;
    beforeAll(async () => {
      k = await kit();
    });
    for (const step of j.steps) {
      test(step.name, async (context) => {
        if (failed) context.skip(`an earlier step failed: ${failed}`);
        try {
          await step.run(k, state);
        } catch (error) {
          failed = step.name;
          throw error;
        }
      });
    }
    afterAll(async () => {
      if (k) await j.cleanup?.(k, state);
    });
  });
}

function describeWholeJourney<S>(j: Journey<S>, kit: () => Promise<JourneyKit>): void {
  test(j.name, async () => {
    const k = await kit();
    const state = j.state();
    try {
      for (const step of j.steps) {
        try {
          await step.run(k, state);
        } catch (error) {
          throw new Error(`step "${step.name}": ${(error as Error).message}`, { cause: error });
        }
      }
    } finally {
      await j.cleanup?.(k, state);
    }
  });
}
