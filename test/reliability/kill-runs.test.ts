import { type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/reaper/ledger.ts';
import { isSameProcessAlive } from '../../src/reaper/proc.ts';
import { waitFor } from '../../src/wait/wait-for.ts';
import { collect, ROOT, spawnCli } from '../helpers/cli.ts';
import { portOpen } from '../helpers/leftovers.ts';

/**
 * 30 runs of `gauntlet run` (notes-api: contract and security, about 8 s each), each killed at a
 * seeded random point after its target is healthy (SIGINT, SIGTERM, SIGKILL: a third each), each
 * followed at once by the next run, and a last run that finishes. Afterwards nothing any of them
 * started may be left: no process, listening port, temp directory, run record or watchdog.
 */
const RUNS = 30;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;
const CONFIG = path.join(ROOT, 'examples/notes-api/gauntlet.config.ts');

/** A seeded generator (mulberry32): the same kill points on every run of this test. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seen {
  processes: { pid: number; start: string | undefined; name: string }[];
  dirs: string[];
  ports: number[];
}

let dir = '';
const env = (): NodeJS.ProcessEnv => ({ GAUNTLET_RUNS_DIR: path.join(dir, 'runs') });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-kill-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Everything a running run has started, from its record (reaper/ledger.ts) and the URLs it printed. */
async function seen(child: ChildProcess, stdout: string): Promise<Seen> {
  const record = JSON.parse(await readFile(path.join(dir, 'runs', `${child.pid}.json`), 'utf8')) as RunRecord;
  const ports = [...stdout.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  return { processes: record.processes, dirs: record.dirs, ports: [...new Set(ports)] };
}

/** Watchdogs still running for the runs of this test (their command line names our runs dir). */
function watchdogs(): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmd.includes('watchdog') && cmd.includes(path.join(dir, 'runs'));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('runs killed at random points leave nothing behind (the reaper)', () => {
  it(`${RUNS} runs killed (SIGINT, SIGTERM, SIGKILL), then one run to the end: 0 processes, ports, temp dirs or records left`, async () => {
    const random = seeded(20_261_202);
    const all: Seen = { processes: [], dirs: [], ports: [] };
    const shutdownMs: Record<string, number[]> = { SIGINT: [], SIGTERM: [], SIGKILL: [] };
    let finishedFirst = 0;
    for (let i = 0; i < RUNS; i++) {
      const signal = SIGNALS[i % 3] as (typeof SIGNALS)[number];
      const child = spawnCli(['run', '--config', CONFIG, '--stages', 'contract,security', '--reports', path.join(dir, `r${i}`)], { cwd: ROOT, env: env() });
      const exited = collect(child, 120_000);
      let stdout = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      await waitFor({ what: `run ${i}: its target healthy`, check: async () => /target notes-api healthy at/.test(stdout) || child.exitCode !== null, timeoutMs: 60_000, intervalMs: 20 });
      if (child.exitCode === null) {
        const resources = await seen(child, stdout).catch(() => undefined);
        if (resources) {
          all.processes.push(...resources.processes);
          all.dirs.push(...resources.dirs);
          all.ports.push(...resources.ports);
        }
        await sleep(Math.floor(random() * 4_000));
      }
      const killedAt = performance.now();
      if (child.exitCode === null && child.kill(signal)) {
        const result = await exited;
        shutdownMs[signal]?.push(Math.round(performance.now() - killedAt));
        if (signal === 'SIGINT') expect(result.code, result.stderr).toBe(130);
        if (signal === 'SIGTERM') expect(result.code, result.stderr).toBe(143);
      } else {
        finishedFirst += 1;
        await exited;
      }
    }
    // The next run after the last kill, to its end.
    const last = await collect(spawnCli(['run', '--config', CONFIG, '--stages', 'contract', '--reports', path.join(dir, 'last')], { cwd: ROOT, env: env() }), 120_000);
    expect(last.code, last.stdout + last.stderr).toBe(0);
    // Watchdogs end within their 200 ms poll once their run's record is gone; allow for a loaded machine.
    await waitFor({ what: 'every watchdog to end', check: async () => watchdogs().length === 0, timeoutMs: 20_000, intervalMs: 100 });

    const left: string[] = [];
    for (const p of all.processes) if (isSameProcessAlive(p.pid, p.start)) left.push(`${p.name} (process ${p.pid})`);
    for (const d of all.dirs) if (existsSync(d)) left.push(`dir ${d}`);
    for (const port of all.ports) if (await portOpen(port)) left.push(`port ${port}`);
    left.push(...readdirSync(path.join(dir, 'runs')).map((f) => `run record ${f}`));
    const figures = Object.entries(shutdownMs).map(([s, ms]) => `${s}: ${ms.length} runs, shutdown median ${ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? '-'} ms, max ${Math.max(...ms, 0)} ms`);
    console.log(`kill test: ${RUNS} runs (${finishedFirst} finished before their signal); ${all.processes.length} processes, ${all.dirs.length} temp dirs, ${all.ports.length} ports seen; ${left.length} left.\n  ${figures.join('\n  ')}`);
    expect(all.processes.length).toBeGreaterThan(RUNS); // the probe saw what the runs started
    expect(left).toEqual([]);
  }, 1_800_000);
});
