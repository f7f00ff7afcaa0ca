import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJUnitSuite } from '../../src/stages/_junit-suite.ts';
import { ROOT } from '../helpers/cli.ts';

const FIXTURE = path.join(ROOT, 'test/fixtures/progress');

/**
 * A suite stopped at its timeout (its last test hangs) never writes JUnit. With Gauntlet's progress
 * reporter, what finished is still reported test by test, and one failed check says that the run
 * did not finish and which test was running: nothing passes on partial figures.
 */
describe('a test command stopped before it wrote JUnit', () => {
  it('reports every test that finished, names the one that was running, and is marked incomplete', async () => {
    await rm(path.join(FIXTURE, 'out'), { recursive: true, force: true });
    // The last test hangs, so the suite always runs to this timeout: 40 s leaves a loaded runner time to
    // start vitest and finish the first two tests (at 15 s a full `npm test` on two cores once reported none).
    const suite = await runJUnitSuite('e2e', { command: ['npx', 'vitest', 'run'], cwd: FIXTURE, env: {}, timeoutMs: 40_000, junit: 'out/junit.xml' }, { env: {}, reportsDir: path.join(FIXTURE, 'out') });
    expect(suite.complete).toBe(false);
    const byTitle = Object.fromEntries(suite.checks.map((c) => [c.title, c]));
    expect(byTitle['journey.test.ts › a journey > signs up']).toMatchObject({ status: 'passed', id: 'e2e:journey.test.ts:a journey > signs up' });
    expect(byTitle['journey.test.ts › a journey > logs in']).toMatchObject({ status: 'failed', message: expect.stringContaining("expected 'token' to be 'another token'") });
    expect(suite.checks.at(-1)).toMatchObject({
      id: 'e2e:interrupted',
      status: 'failed',
      message: expect.stringMatching(/did not finish: .*\n2 test\(s\) finished and are reported above; still running when it stopped: journey\.test\.ts › a journey > waits for a reply that never comes\./),
    });
  }, 90_000);
});
