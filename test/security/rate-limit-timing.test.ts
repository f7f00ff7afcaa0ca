import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { send as sendRequest, type HttpRequest } from '../../src/http/send.ts';
import { loadDocument } from '../../src/openapi/document.ts';
import { listOperations } from '../../src/openapi/operations.ts';
import type { CheckResult } from '../../src/results/types.ts';
import { runGauntlet } from '../../src/run/run-gauntlet.ts';
import { STAGES } from '../../src/stages/registry.ts';
import { SecurityRun } from '../../src/stages/security/_run.ts';
import { rateLimitChecks } from '../../src/stages/security/rate-limits.ts';
import type { Stage, StageContext } from '../../src/stages/types.ts';
import { ROOT } from '../helpers/cli.ts';

/** A client that takes `delayMs` longer for every request: what a runner five times slower looks like to a time window. */
class SlowRun extends SecurityRun {
  constructor(context: StageContext, operations: SecurityRun['operations'], private readonly delayMs: number) {
    super(context, operations, undefined);
  }

  override readonly send = async (request: HttpRequest) => {
    await sleep(this.delayMs);
    return sendRequest(request);
  };
}

/** The rate-limit checks alone, on notes-api (its login allows 3 attempts per 3 s per account), through a client slowed by `delayMs`. */
async function rateLimitChecksWith(delayMs: number): Promise<CheckResult[]> {
  const { config } = await loadConfig(path.join(ROOT, 'examples/notes-api/gauntlet.config.ts'));
  const reportsDir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-slow-client-'));
  const stage: Stage = {
    name: 'security',
    description: 'the rate-limit checks through a slowed client',
    async run(context) {
      const document = await loadDocument(config.target.openapi as NonNullable<typeof config.target.openapi>, context.target.url);
      const run = new SlowRun(context, listOperations(document.doc), delayMs);
      await rateLimitChecks(run, ['account']);
      return { status: run.checks.some((c) => c.status === 'failed') ? 'failed' : 'passed', checks: run.checks };
    },
  };
  const result = await runGauntlet({ config: { ...config, reportsDir }, environment: 'native', stages: ['security'], required: [], coverage: false, registry: { ...STAGES, security: stage }, reporters: [] });
  return result.stages.find((s) => s.name === 'security')?.checks ?? [];
}

describe('rate-limit checks on a slow runner: inconclusive, never a false failure', () => {
  it('at full speed the clean limit passes every check', async () => {
    const checks = await rateLimitChecksWith(0);
    expect(checks.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(checks.map((c) => c.id)).toContain('security:rate-limit:login:enforced');
  });

  it('with every request 1.1 s slower: the burst, sent at once, still lands in one window and the limit is proven; what comes after it says inconclusive or passes, and none fails', async () => {
    const checks = await rateLimitChecksWith(1_100);
    expect(checks.filter((c) => c.status === 'failed')).toEqual([]);
    expect(checks.find((c) => c.id === 'security:rate-limit:login:enforced')?.status).toBe('passed');
    for (const c of checks.filter((c) => c.status === 'skipped')) expect(c.message, c.id).toMatch(/^inconclusive: /);
  });

  it('with every request 0.6 s slower, the 429 comes but the window resets during the checks after it: those say inconclusive, none fails', async () => {
    const checks = await rateLimitChecksWith(600);
    expect(checks.filter((c) => c.status === 'failed')).toEqual([]);
    expect(checks.find((c) => c.id === 'security:rate-limit:login:enforced')?.status).toBe('passed');
    for (const c of checks.filter((c) => c.status === 'skipped')) expect(c.message, c.id).toMatch(/^inconclusive: /);
  });
});
