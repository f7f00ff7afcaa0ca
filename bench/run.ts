/**
 * npm run bench: environment start (native and testcontainers side by side, median of several runs)
 * and per-test database isolation (template clone), printed as a table.
 * Measured here, not asserted in timed tests: timing assertions in tests are flaky by nature.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.ts';
import { DatabaseManager } from '../src/database/database-manager.ts';
import { dockerAvailable } from '../src/environments/docker.ts';
import { NativeEnvironment } from '../src/environments/native/native-environment.ts';
import { TestcontainersEnvironment } from '../src/environments/testcontainers/testcontainers-environment.ts';
import type { Environment } from '../src/environments/types.ts';
import { startStack } from '../src/provision/stack.ts';
import { contractStage } from '../src/stages/contract/contract-stage.ts';
import { securityStage } from '../src/stages/security/security-stage.ts';
import { loadStage } from '../src/stages/load/load-stage.ts';
import type { Stage } from '../src/stages/types.ts';
import { stats, table, type Stats } from './stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLONES = Number(process.env.BENCH_CLONES ?? 30);

async function timeStarts(make: () => Environment): Promise<{ start: Stats; stop: Stats }> {
  const start: number[] = [];
  const stop: number[] = [];
  // one warm-up (first native start builds the cached pristine cluster; first container start warms the image cache)
  await (await make().start()).stop();
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const env = await make().start();
    start.push(performance.now() - t);
    t = performance.now();
    await env.stop();
    stop.push(performance.now() - t);
  }
  return { start: stats(start), stop: stats(stop) };
}

async function timeClones(): Promise<Stats> {
  const { config } = await loadConfig('gauntlet.config.ts');
  const env = await new NativeEnvironment(config.environment).start();
  try {
    const db = new DatabaseManager(env.postgres.adminUrl, 'app');
    await db.prepare(config.target.migrate, config.target.env);
    const times: number[] = [];
    for (let i = 0; i < CLONES; i++) {
      const t = performance.now();
      const clone = await db.clone();
      times.push(performance.now() - t);
      await clone.drop();
    }
    return stats(times);
  } finally {
    await env.stop();
  }
}

/** Requests per second of a whole stage against companion-api (contract: restart included; security: rate-limit windows included). */
async function timeStage(stage: Stage, generatedOnly = false): Promise<{ requests: number; ms: number; metrics: Record<string, number> }> {
  const loaded = (await loadConfig('gauntlet.config.ts')).config;
  // generatedOnly: the generated checks alone, without the target restart and the hand-written suite.
  const config = generatedOnly ? { ...loaded, stages: { ...loaded.stages, contract: { ...loaded.stages.contract, persistence: false, tests: undefined } } } : loaded;
  const stack = await startStack(config, 'native', { withTarget: true });
  try {
    const started = performance.now();
    const outcome = await stage.run({ config, environment: stack.environment, target: stack.target as NonNullable<typeof stack.target>, database: stack.database, upstreams: stack.upstreams, control: stack.control, gauntlet: stack.context, onCheck: () => undefined });
    return { requests: outcome.metrics?.requests ?? 0, ms: performance.now() - started, metrics: outcome.metrics ?? {} };
  } finally {
    await stack.stop();
  }
}

/**
 * The volume profile on companion-api with the real k6 (#28): its wall time (seeding, and the profile
 * at every size), and the seeding throughput through the seed command (messages, set-based SQL) or
 * through the API (POST /conversations, GAUNTLET_VOLUME_SEED=api). Undefined without k6.
 */
async function timeVolume(through: 'command' | 'api'): Promise<{ rowsPerSecond: number; wallSeconds: number; rows: string } | undefined> {
  const previous = process.env.GAUNTLET_VOLUME_SEED;
  if (through === 'api') process.env.GAUNTLET_VOLUME_SEED = 'api';
  else delete process.env.GAUNTLET_VOLUME_SEED;
  try {
    const loaded = (await loadConfig('gauntlet.config.ts')).config;
    const load = loaded.stages.load;
    if (!load?.volume) return undefined;
    const history = path.join(await mkdtemp(path.join(os.tmpdir(), 'gauntlet-bench-')), 'history.jsonl');
    const config = { ...loaded, reportsDir: path.dirname(history), stages: { ...loaded.stages, load: { ...load, history: { ...load.history, file: history }, volume: { ...load.volume, enabled: true } } } };
    const stack = await startStack(config, 'native', { withTarget: true });
    try {
      const outcome = await loadStage.run({ config, environment: stack.environment, target: stack.target as NonNullable<typeof stack.target>, database: stack.database, upstreams: stack.upstreams, control: stack.control, gauntlet: stack.context, onCheck: () => undefined });
      const wall = outcome.metrics?.['load.volume.wallSeconds'];
      if (outcome.status === 'skipped' || wall === undefined) return undefined;
      const seeded = outcome.checks.find((c) => c.id === 'load:volume')?.message?.split(';')[0] ?? '';
      return { rowsPerSecond: outcome.metrics?.['load.volume.seedRowsPerSecond'] ?? 0, wallSeconds: wall, rows: seeded };
    } finally {
      await stack.stop();
    }
  } finally {
    if (previous === undefined) delete process.env.GAUNTLET_VOLUME_SEED;
    else process.env.GAUNTLET_VOLUME_SEED = previous;
  }
}

/** Wall time of a CLI command from a fresh process (median of RUNS): what a user waits for `--help` and `doctor`. */
async function timeCli(args: string[]): Promise<Stats> {
  const { execFile } = await import('node:child_process');
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t = performance.now();
    await new Promise<void>((resolve) => execFile(process.execPath, ['bin/gauntlet.mjs', ...args], () => resolve()));
    if (i > 0) times.push(performance.now() - t); // the first warms the transform cache
  }
  return stats(times);
}

const { config } = await loadConfig('gauntlet.config.ts');
const rows: (string | Stats)[][] = [];
const native = await timeStarts(() => new NativeEnvironment(config.environment));
rows.push(['native: Postgres + Redis ready', native.start], ['native: stop and clean up', native.stop]);
if (await dockerAvailable()) {
  const tc = await timeStarts(() => new TestcontainersEnvironment(config.environment));
  rows.push(['testcontainers: Postgres + Redis ready', tc.start], ['testcontainers: stop and remove', tc.stop]);
} else {
  rows.push(['testcontainers: skipped (no Docker engine answers)', stats([])]);
}
rows.push(['cli: gauntlet --help (goal < 300 ms)', await timeCli(['--help'])], ['cli: gauntlet run --help', await timeCli(['run', '--help'])], ['cli: gauntlet doctor (goal < 300 ms)', await timeCli(['doctor'])]);
rows.push([`per-test clean database (template clone of the migrated companion-api schema)`, await timeClones()]);
const contract = await timeStage(contractStage);
const generated = await timeStage(contractStage, true);
const security = await timeStage(securityStage);
process.stdout.write(`${table(rows, RUNS, CLONES)}\n`);
process.stdout.write(`contract stage on companion-api: ${contract.requests} requests in ${(contract.ms / 1000).toFixed(1)} s = ${(contract.requests / (contract.ms / 1000)).toFixed(0)} checked requests/s\n`);
process.stdout.write(`  of which the generated checks alone (no restart, no hand-written suite): ${generated.requests} requests in ${(generated.ms / 1000).toFixed(1)} s = ${(generated.requests / (generated.ms / 1000)).toFixed(0)} checked requests/s\n`);
const effects = { requests: generated.metrics['effects.requests'] ?? 0, ms: generated.metrics['effects.ms'] ?? 0, operations: generated.metrics['effects.operations'] ?? 0 };
process.stdout.write(
  `  of which the effect properties of #26 (read-your-writes, listed, lists, deleted, counters, partial updates, unique fields, content type): ${effects.requests} requests in ${(effects.ms / 1000).toFixed(1)} s after ${effects.operations} valid requests = ${(effects.requests / Math.max(1, effects.operations)).toFixed(1)} requests and ${(effects.ms / Math.max(1, effects.operations)).toFixed(0)} ms per operation judged\n`,
);
process.stdout.write(`security stage on companion-api: ${security.requests} requests in ${(security.ms / 1000).toFixed(1)} s (the hand-written security/ suite included)\n`);
for (const through of ['command', 'api'] as const) {
  const volume = await timeVolume(through);
  process.stdout.write(
    volume
      ? `volume profile on companion-api, seeded through the ${through === 'command' ? 'seed command (factories/volume.ts, set-based SQL)' : 'API (POST /conversations, 4 users, 8 at a time)'}: ${volume.rows}; ${Math.round(volume.rowsPerSecond).toLocaleString('en-US')} rows/s seeding; ${volume.wallSeconds.toFixed(1)} s wall time with the smoke profile at every size\n`
      : `volume profile (${through}): skipped (k6 is not on PATH and K6_BINARY is not set)\n`,
  );
}
