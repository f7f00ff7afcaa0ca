import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { CheckResult, RunResult } from '../../src/results/types.ts';
import { securityStage } from '../../src/stages/security/security-stage.ts';
import type { StageContext } from '../../src/stages/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { startExampleTarget } from '../helpers/example-target.ts';

export const TOKEN_AUTH = path.join(ROOT, 'test/fixtures/token-auth/gauntlet.config.ts');

/** `gauntlet run --stages security` through the real bin; the stage's result and its failed check ids. */
export async function security(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-security-'));
  const r = await runCli(['run', '--stages', 'security', '--no-coverage', '--reports', reports, ...args], { cwd: ROOT, env, timeoutMs: 180_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const stage = result.stages[0];
  const failed = stage?.checks.filter((c) => c.status === 'failed') ?? [];
  return { ...r, result, stage, failed, failedIds: failed.map((c) => c.id).sort() };
}

/**
 * The security stage in this process, on a companion-api with `flaws` on the environment the
 * globalSetup started (a database of its own): the same stage code as `gauntlet run`, without a
 * fresh environment per run.
 */
export async function securityInProcess(flaws: string[]) {
  const loaded = (await loadConfig(path.join(ROOT, 'gauntlet.config.ts'))).config;
  // The generated checks only: the hand-written security/ suite (a vitest process of its own) runs in
  // the clean CLI run and in the gate; here it would add seconds per flaw and prove nothing about it.
  const config = { ...loaded, stages: { ...loaded.stages, security: { ...loaded.stages.security, tests: undefined } } };
  const target = await startExampleTarget({ flaws });
  try {
    const context = { config, target, gauntlet: inject('gauntlet'), upstreams: [], database: undefined, onCheck: () => undefined } as unknown as StageContext;
    const outcome = await securityStage.run(context);
    const failed = outcome.checks.filter((c: CheckResult) => c.status === 'failed');
    return { outcome, failed, failedIds: failed.map((c) => c.id).sort() };
  } finally {
    await target.dispose();
  }
}
