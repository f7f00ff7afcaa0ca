import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/reaper/ledger.ts';
import { isSameProcessAlive } from '../../src/reaper/proc.ts';
import type { RunResult } from '../../src/results/types.ts';
import { waitFor } from '../../src/wait/wait-for.ts';
import { ROOT, waitForOutput } from '../helpers/cli.ts';

const exec = promisify(execFile);

/**
 * Gauntlet as a user gets it: `npm pack` here, the tarball installed into an empty project in the
 * system's temp directory (outside this repository, so nothing of its node_modules can be found),
 * and every command run there through `npx gauntlet`, on a backend that is only a copy of
 * examples/notes-api's plain JavaScript (the project has no Gauntlet sources and no tsx of its own).
 * Run by `npm run test:slow` (.ci/run runs it after `npm test`): the install takes about a minute.
 */
interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

let dir = '';
let project = '';
let packed: Packed;

/** The child's environment without npm's own npm_* variables (an `npm run` above us would steer the inner npm). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'GAUNTLET_CONTEXT' && key !== 'NODE_OPTIONS' && key !== 'VITEST' && !key.startsWith('VITEST_')) env[key] ??= value;
  return env;
}

async function sh(command: string, args: string[], cwd: string, timeout = 300_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env: cleanEnv(), timeout, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}\n${e.message}` };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-package-'));
  const pack = await sh('npm', ['pack', '--json', '--pack-destination', dir], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  packed = (JSON.parse(pack.stdout) as Packed[])[0] as Packed;
  project = path.join(dir, 'my-backend');
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'), `${JSON.stringify({ name: 'my-backend', private: true }, null, 2)}\n`);
  const started = performance.now();
  // Gauntlet, and what the user's own code needs: TypeScript for their config's type-check, vitest
  // for gauntlet/vitest's types, and the backend's drivers (pinned to what Gauntlet has).
  const install = await sh('npm', ['install', '--save-dev', '--no-audit', '--no-fund', path.join(dir, packed.filename), 'typescript@5.9.3', '@types/node@20.19.43', 'vitest@4.1.12', 'pg@8.23.1', 'ioredis@5.11.1', 'jose@6.2.17', 'ajv@8.20.0', 'ajv-formats@3.0.1'], project, 600_000);
  expect(install.code, install.stderr).toBe(0);
  console.log(`package: ${packed.filename} ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${packed.files.length} files; installed into an empty project in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await cp(path.join(ROOT, 'examples/notes-api'), path.join(project, 'backend'), { recursive: true, filter: (src) => !src.endsWith('gauntlet.config.ts') });
}, 900_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed tarball, installed into an empty project', () => {
  it('holds the compiled engine, its bin and docs: no sources, tests, fixtures or examples', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toContain('bin/gauntlet.mjs');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/config/define-config.d.ts');
    expect(files).toContain('action.yml');
    expect(files.filter((f) => /(^|\/)(test|tests|fixtures|examples|suites|factories|__tests__)\/|\.test\.[cm]?[jt]s$|^src\//.test(f))).toEqual([]);
    expect(packed.size).toBeLessThan(1024 * 1024);
  });

  it('answers --help for every command', async () => {
    for (const args of [['--help'], ['run', '--help'], ['env', 'up', '--help'], ['env', 'down', '--help'], ['doctor', '--help'], ['load', '--help'], ['init', '--help']]) {
      const r = await sh('npx', ['gauntlet', ...args], project, 60_000);
      expect(r.code, `gauntlet ${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/USAGE/);
    }
  }, 300_000);

  it('doctor, init against the backend, and run on the config init wrote', async () => {
    const doctor = await sh('npx', ['gauntlet', 'doctor'], project, 120_000);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/Ready: `gauntlet run` can use the \w+ environment/);

    const init = await sh('npx', ['gauntlet', 'init', '--openapi', '/openapi.json', '--start', 'node server.mjs', '--cwd', 'backend', '--migrate', 'node migrate.mjs', '--target-env', 'SECRET=notes-test-secret-0123456789abcdef0123456789', '--env', 'native'], project, 180_000);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    const config = await readFile(path.join(project, 'gauntlet.config.ts'), 'utf8');
    // The written config imports the installed package by name, not a path into it.
    expect(config).toMatch(/^import \{ defineConfig \} from 'gauntlet\/config';/);

    const run = await sh('npx', ['gauntlet', 'run', '--stages', 'contract,security', '--env', 'native'], project, 300_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(await readFile(path.join(project, 'reports/results.json'), 'utf8')) as RunResult;
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['contract', 'passed'],
      ['security', 'passed'],
    ]);
    expect(result.stages[0]?.checks.length).toBeGreaterThan(20);
  }, 600_000);

  it('a SIGKILLed `gauntlet env up` leaves nothing: the compiled watchdog tears its stack down', async () => {
    const runs = path.join(dir, 'runs');
    const child = spawn(process.execPath, [path.join(project, 'node_modules/gauntlet/bin/gauntlet.mjs'), 'env', 'up', '--env', 'native'], { cwd: project, env: { ...cleanEnv(), GAUNTLET_RUNS_DIR: runs }, stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForOutput(child, /Press Ctrl-C/, 120_000);
    const record = JSON.parse(await readFile(path.join(runs, `${child.pid}.json`), 'utf8')) as RunRecord;
    expect(record.processes.map((p) => p.name).sort()).toEqual(['postgres', 'redis']);
    child.kill('SIGKILL');
    await waitFor({
      what: 'the watchdog to remove what env up started',
      check: async () => record.processes.every((p) => !isSameProcessAlive(p.pid, p.start)) && record.dirs.every((d) => !existsSync(d)) && readdirSync(runs).length === 0,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  }, 180_000);

  it("the user's TypeScript imports gauntlet/config, gauntlet/vitest and gauntlet/e2e with real types; JavaScript imports them too", async () => {
    await writeFile(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, include: ['typed.ts', 'gauntlet.config.ts'] }));
    await writeFile(
      path.join(project, 'typed.ts'),
      [
        "import { defineConfig } from 'gauntlet/config';",
        "import { cleanDatabase } from 'gauntlet/vitest';",
        "import { journey } from 'gauntlet/e2e';",
        'void cleanDatabase;',
        'void journey;',
        'export default defineConfig({',
        "  target: { name: 'api', start: { command: ['python', '-m', 'uvicorn', 'app:app'] }, health: { path: '/health' } },",
        '  // @ts-expect-error: not an environment (were the types `any`, this directive would itself be the error)',
        "  environment: { default: 'kubernetes' },",
        '});',
      ].join('\n'),
    );
    const tsc = await sh('npx', ['tsc', '-p', '.'], project, 180_000);
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);

    await writeFile(path.join(project, 'typed-wrong.ts'), "import { defineConfig } from 'gauntlet/config';\nexport default defineConfig({ target: { name: 1 } });\n");
    const wrong = await sh('npx', ['tsc', '--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', 'typed-wrong.ts'], project, 180_000);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toMatch(/typed-wrong\.ts.*error TS2322/);

    const js = await sh('node', ['--input-type=module', '-e', "const { defineConfig } = await import('gauntlet/config'); const root = await import('gauntlet'); console.log(typeof defineConfig, typeof root.defineConfig);"], project, 60_000);
    expect(js.stdout.trim()).toBe('function function');
  }, 300_000);
});
