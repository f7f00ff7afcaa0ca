import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/** `--help` on any command prints that command's usage and runs nothing (no file, no environment). */
describe.concurrent('--help on every command', () => {
  it.each([
    [['run', '--help'], /USAGE .*gauntlet run \[OPTIONS\][\s\S]*--stages[\s\S]*--require/],
    [['init', '--help'], /USAGE .*gauntlet init \[OPTIONS\][\s\S]*--openapi/],
    [['doctor', '-h'], /USAGE .*gauntlet doctor/],
    [['load', '--help'], /USAGE .*gauntlet load \[OPTIONS\][\s\S]*--emit/],
    [['env', 'up', '--help'], /USAGE .*env up \[OPTIONS\][\s\S]*--target/],
    [['env', 'down', '--help'], /USAGE .*env down/],
  ])('%j', async (args, usage) => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-help-'));
    const r = await runCli(args, { cwd, timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(usage);
    expect(await readdir(cwd)).toEqual([]); // init wrote no config, run wrote no reports
  });
});
