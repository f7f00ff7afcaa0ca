import type { CheckResult } from '../results/types.ts';
import type { TargetCrash } from './liveness.ts';

/** A crash of the target as a failed check of the stage it happened in: how it died, what came just before, what it logged. */
export function crashCheck(stage: string, target: string, crash: TargetCrash): CheckResult {
  const how = crash.exit.signal ? `was killed by ${crash.exit.signal}` : `exited with code ${crash.exit.code}`;
  // The last ones matter most: the one that killed it, or the one whose late work did. Newest last.
  const before = crash.requestsBefore.length
    ? crash.requestsBefore.slice(-12).map((r) => `  ${r.method} ${r.url} → ${r.outcome} (${((crash.at - r.at) / 1000).toFixed(2)} s before)`)
    : ['  (no request of Gauntlet\'s in the 2 s before: a request from a test suite, or a timer of its own)'];
  const restart = crash.restart === undefined ? 'it was being restarted' : crash.restart.ok ? `it was restarted on the same database in ${crash.restart.ms} ms, and the run went on` : crash.restart.reason;
  return {
    id: `${stage}:target-crashed:${crash.n}`,
    stage,
    title: `${target} keeps running while it is tested`,
    status: 'failed',
    message: [`${target} ${how} during the ${stage} stage (crash ${crash.n}); ${restart}.`, 'its last log lines:', ...crash.lastLogLines.slice(-12).map((l) => `  | ${l}`), 'requests just before (newest last):', ...before].join('\n'),
    evidence: { exit: crash.exit, requestsBefore: crash.requestsBefore, lastLogLines: crash.lastLogLines, restart: crash.restart },
  };
}

/**
 * The target stopped answering while a stage ran (issue #27, item 4): a finding about the target,
 * never a broken run. The stage's checks so far are kept, the later stages are skipped with this
 * reason, and the run exits 1. `error` is what the request got (a refused connection, a reset);
 * `crashes` are this run's deaths of the target, the last of which may explain it.
 */
export function unreachableCheck(stage: string, target: string, error: Error, crashes: readonly TargetCrash[], restarts: number): CheckResult {
  const last = crashes.at(-1);
  const why = last && last.restart && !last.restart.ok
    ? `it ${last.exit.signal ? `was killed by ${last.exit.signal}` : `exited with code ${last.exit.code}`} (crash ${last.n}) and ${last.restart.reason.replace(/^not restarted: /, 'was not restarted: ')} (target.crashRestarts is ${restarts}; raise it in gauntlet.config.ts to let the run go on after more crashes)`
    : 'its process is still running but no longer takes connections';
  return {
    id: `${stage}:target-unreachable`,
    stage,
    title: `${target} keeps answering while it is tested`,
    status: 'failed',
    message: [`${target} stopped answering during the ${stage} stage: ${why}.`, `the request that found it: ${error.message.split('\n')[0]}`, 'what is left of the run is skipped; every finding before this one is kept.'].join('\n'),
    evidence: { crashes: crashes.length, restarts },
  };
}
