import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

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

/** A typo is a usage error naming the nearest option, before anything runs (issue #27). */
describe.concurrent('unknown options and arguments', () => {
  it.each([
    [['run', '--stage', 'contract'], /^GAUNTLET_USAGE: gauntlet run has no option --stage\.\nFix: Did you mean --stages\? Run `gauntlet run --help` for its options\./],
    [['run', '--seeed=3'], /gauntlet run has no option --seeed\.\nFix: Did you mean --seed\?/],
    [['run', '--no-coverge'], /gauntlet run has no option --no-coverge\.\nFix: Did you mean --no-coverage\?/],
    [['run', 'contract'], /^GAUNTLET_USAGE: gauntlet run takes no argument "contract"\./],
    [['env', 'up', '--targte'], /gauntlet env up has no option --targte\.\nFix: Did you mean --target\?/],
    [['doctor', '--verbose'], /gauntlet doctor has no option --verbose\.\nFix: Run `gauntlet doctor --help`/],
  ])('%j', async (args, message) => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-typo-'));
    const r = await runCli(args, { cwd, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('takes every documented spelling: --no-coverage, --flag=value, a string option followed by its value', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-typo-'));
    // No config here: the options passed the check, and the run stopped at the missing config.
    const r = await runCli(['run', '--no-coverage', '--stages=contract', '--seed', '4', '--reports', 'out'], { cwd, timeoutMs: 60_000 });
    expect(r.stderr).toMatch(/^GAUNTLET_CONFIG_NOT_FOUND/);
    expect(r.code).toBe(2);
  });

  it('refuses a --seed that is not a whole number', async () => {
    const r = await runCli(['run', '--seed', '1.5', '--stages', 'contract'], { cwd: path.join(ROOT, 'test/fixtures/reach'), timeoutMs: 60_000 });
    expect(r.stderr).toMatch(/GAUNTLET_USAGE: --seed 1\.5 is not a whole number\./);
    expect(r.code).toBe(2);
  });
});

describe('gauntlet --help', () => {
  it('lists each command with the description its own module gives', async () => {
    const { DESCRIPTIONS } = await import('../../src/cli/main.ts');
    const modules = {
      run: (await import('../../src/cli/commands/run.ts')).runCommand(() => undefined),
      baseline: (await import('../../src/cli/commands/run.ts')).runCommand(() => undefined, 'baseline'),
      env: (await import('../../src/cli/commands/env.ts')).envCommand,
      doctor: (await import('../../src/cli/commands/doctor.ts')).doctorCommand(() => undefined),
      load: (await import('../../src/cli/commands/load.ts')).loadCommand,
      init: (await import('../../src/cli/commands/init.ts')).initCommand,
    };
    expect(Object.keys(DESCRIPTIONS).sort()).toEqual(Object.keys(modules).sort());
    for (const [name, command] of Object.entries(modules)) expect((command.meta as { description: string }).description, name).toBe(DESCRIPTIONS[name]);
    const r = await runCli(['--help'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    for (const name of Object.keys(modules)) expect(r.stdout).toMatch(new RegExp(`${name}\\s+${DESCRIPTIONS[name]?.slice(0, 30).replace(/[()`]/g, '\\$&')}`));
  });
});
