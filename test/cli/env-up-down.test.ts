import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvFile } from '../../src/cli/env-state.ts';
import { collect, runCli, spawnCli, TINY, waitForOutput } from '../helpers/cli.ts';
import { leftovers } from '../helpers/leftovers.ts';
import { waitFor } from '../../src/wait/wait-for.ts';

const envFile = path.join(TINY, '.gauntlet', 'env.json');

async function upAndRead(): Promise<{ child: ReturnType<typeof spawnCli>; file: EnvFile; stdout: string }> {
  const child = spawnCli(['env', 'up', '--target']);
  const stdout = await waitForOutput(child, /Press Ctrl-C/);
  const file = JSON.parse(await readFile(envFile, 'utf8')) as EnvFile;
  return { child, file, stdout };
}

function everything(file: EnvFile) {
  const port = (url: string | null) => (url ? Number(new URL(url).port) : 0);
  return {
    pids: [file.pid, ...file.state.pids, ...(file.targetPid ? [file.targetPid] : [])],
    dirs: file.state.dirs,
    ports: [port(file.context.databaseUrl), port(file.context.redisUrl), port(file.context.targetUrl)],
  };
}

afterEach(async () => {
  await runCli(['env', 'down']); // never leave an environment behind, whatever a test did
});

describe('gauntlet env up / down (tiny fixture, native environment)', () => {
  it('prints the URLs, which work while it runs', async () => {
    const { child, file, stdout } = await upAndRead();
    expect(stdout).toMatch(/DATABASE_URL=postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/app/);
    expect(stdout).toMatch(/REDIS_URL=redis:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/TARGET_URL=http:\/\/127\.0\.0\.1:\d+/);
    const client = new pg.Client({ connectionString: file.context.databaseUrl });
    await client.connect();
    expect((await client.query('select name from items')).rows).toEqual([{ name: 'seed' }]);
    await client.end();
    expect((await fetch(`${file.context.targetUrl}/health`)).status).toBe(200);
    child.kill('SIGTERM');
    await collect(child, 30_000);
  });

  it('leaves no process, temp dir or listening port after SIGINT (Ctrl-C)', async () => {
    const { child, file } = await upAndRead();
    const resources = everything(file);
    expect(resources.pids.length).toBe(4); // gauntlet, postgres, redis, target
    expect(await leftovers({ ...resources, pids: resources.pids.slice(1) })).toEqual([
      ...resources.pids.slice(1).map((p) => `process ${p} alive`),
      ...resources.dirs.map((d) => `dir ${d} exists`),
      ...resources.ports.map((p) => `port ${p} listening`),
    ]); // proves the probe sees them while they run
    child.kill('SIGINT');
    const exit = await collect(child, 30_000);
    expect(exit.code).toBe(130);
    expect(await leftovers(resources)).toEqual([]);
    expect(existsSync(envFile)).toBe(false);
  });

  it('`env down` stops a running `env up` and everything it started', async () => {
    const { child, file } = await upAndRead();
    const resources = everything(file);
    const exited = collect(child, 60_000);
    const down = await runCli(['env', 'down']);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`process ${file.pid} stopped everything it started`);
    expect((await exited).code).toBe(143);
    expect(await leftovers(resources)).toEqual([]);
  });

  it('an `env up` killed outright (SIGKILL) leaves nothing: its watchdog removes everything, and `env down` tidies the rest', async () => {
    const { child, file } = await upAndRead();
    const resources = everything(file);
    child.kill('SIGKILL');
    await collect(child, 10_000);
    // No Gauntlet process is left to clean up: the watchdog (reaper/watchdog.ts) does, within a second or so.
    await waitFor({ what: 'the watchdog to remove what env up started', check: async () => (await leftovers(resources)).length === 0, timeoutMs: 20_000, intervalMs: 100 });
    const down = await runCli(['env', 'down']);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`process ${file.pid} was not running`);
    expect(existsSync(envFile)).toBe(false);
  });

  it('refuses a second `env up` while one runs', async () => {
    const { child, file } = await upAndRead();
    const second = await runCli(['env', 'up']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`GAUNTLET_ENV_ALREADY_RUNNING: An environment started by process ${file.pid} is still running`);
    child.kill('SIGINT');
    await collect(child, 30_000);
  });

  it('says there is nothing to stop when nothing runs', async () => {
    const down = await runCli(['env', 'down']);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('nothing to stop');
  });
});
