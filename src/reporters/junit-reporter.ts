import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import { flakyFailsGate } from '../results/severity.ts';
import type { RunResult } from '../results/types.ts';
import type { Reporter } from './types.ts';

// The package is CommonJS whose types declare an ES default export; at runtime the default import is the builder.
const junit = junitModule as unknown as Builder;

/** reports/junit.xml: one testsuite per stage, one testcase per check, one per gate. */
export class JUnitReporter implements Reporter {
  constructor(private readonly dir: string) {}

  async onRunEnd(result: RunResult): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const builder = junit.newBuilder();
    const flakyFails = flakyFailsGate(result);
    for (const stage of result.stages) {
      const suite = builder.testSuite().name(`gauntlet.${stage.name}`).time(stage.durationMs / 1000);
      if (stage.status === 'skipped' || stage.status === 'not-available') {
        suite.testCase().className(`gauntlet.${stage.name}`).name(`${stage.name} stage`).skipped().standardOutput(`${stage.status}: ${stage.reason ?? ''}`);
      }
      for (const check of stage.checks) {
        const tc = suite.testCase().className(`gauntlet.${stage.name}`).name(check.title).time((check.durationMs ?? 0) / 1000);
        // A failure the baseline accepts is no CI failure: skipped, saying why.
        if (check.status === 'failed' && check.known) tc.skipped().standardOutput(`known (baseline): ${check.known.reason}\n${check.message ?? ''}`);
        // A failure that did not come back when sent again fails no CI job unless gates.flaky is 'fail'.
        else if (check.status === 'failed' && check.replay?.outcome === 'flaky' && !flakyFails) tc.skipped().standardOutput(check.message ?? 'flaky');
        else if (check.status === 'failed') tc.failure((check.message ?? 'failed').split('\n')[0]).stacktrace(check.message ?? 'failed');
        if (check.status === 'skipped') tc.skipped();
      }
    }
    const gates = builder.testSuite().name('gauntlet.gates');
    for (const g of result.gates) {
      const tc = gates.testCase().className('gauntlet.gates').name(g.name);
      if (!g.passed) tc.failure(`${g.actual ?? 'not measured'} is not ${g.comparator} ${g.threshold}${g.message ? `: ${g.message}` : ''}`);
    }
    builder.writeTo(path.join(this.dir, 'junit.xml'));
  }
}
