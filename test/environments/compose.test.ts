import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { dockerOrSay } from '../helpers/environment-checks.ts';

const exec = promisify(execFile);
const docker = await dockerOrSay('test/environments/compose.test.ts');

describe.skipIf(!docker)('compose environment: docker-compose.test.yml with companion-api as a service (skipped without a Docker engine)', () => {
  it('builds and starts the example target through compose, runs the contract stage with its restart, and removes the whole project', async () => {
    // Only this run's project counts: an earlier run on this engine (killed by hand, say) may have left its own.
    const before = await composeContainers();
    const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-compose-'));
    const r = await runCli(['run', '--env', 'compose', '--stages', 'unit,contract', '--reports', reports], { cwd: ROOT, timeoutMs: 300_000 });
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/environment compose ready/);
    expect(r.stdout).toMatch(/target companion-api healthy at http:\/\/127\.0\.0\.1:\d+/);
    const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
    expect(result.environment).toBe('compose');
    expect(result.stages[0]).toMatchObject({ name: 'unit', status: 'passed' });
    // The persistence check restarts the container, which the engine publishes on a new host port: followed.
    expect(result.stages[1]).toMatchObject({ name: 'contract', status: 'passed' });
    expect(result.stages[1]?.checks.find((c) => c.id === 'contract:persistence')).toMatchObject({ status: 'passed' });
    // The target ran as a compose service, not a process of Gauntlet's: its coverage is skipped, saying why.
    expect(result.stages.find((s) => s.name === 'coverage')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('compose service') });
    expect((await composeContainers()).filter((name) => !before.includes(name))).toEqual([]);
  }, 300_000);
});

/** The names of the containers of Gauntlet's compose projects on this engine. */
async function composeContainers(): Promise<string[]> {
  const { stdout } = await exec('docker', ['ps', '-a', '--filter', 'label=com.docker.compose.project', '--format', '{{.Names}}']);
  return stdout.split('\n').filter((n) => n.startsWith('gauntlet-'));
}
