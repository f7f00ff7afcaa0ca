import { defineCommand, renderUsage, runCommand as runCitty } from 'citty';
import { formatError, GauntletError, isGauntletError } from '../errors/gauntlet-error.ts';
import { doctorCommand } from './commands/doctor.ts';
import { envCommand } from './commands/env.ts';
import { initCommand } from './commands/init.ts';
import { loadCommand } from './commands/load.ts';
import { runCommand } from './commands/run.ts';

/** The CLI entry: returns the exit code (0 pass, 1 a gate failed, 2 usage/config/environment error). */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const root = defineCommand({
    meta: { name: 'gauntlet', description: 'Test and load-verify an HTTP backend with Postgres and Redis, with pass/fail gates' },
    subCommands: { run: runCommand(setExit), env: envCommand, doctor: doctorCommand(setExit), load: loadCommand, init: initCommand },
  });
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${await renderUsage(root)}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  // `gauntlet run --help`, `gauntlet env up -h`: the command's usage, and nothing is run.
  if (argv.includes('--help') || argv.includes('-h')) {
    const [command, parent] = await commandOf(root, argv);
    process.stdout.write(`${await renderUsage(command, parent)}\n`);
    return 0;
  }
  try {
    await runCitty(root, { rawArgs: argv });
    return exitCode;
  } catch (error) {
    if (!isGauntletError(error) && isCittyUsageError(error)) {
      process.stderr.write(`${formatError(new GauntletError('GAUNTLET_USAGE', (error as Error).message, { fix: 'Run `gauntlet --help` for the commands.' }))}\n`);
      return 2;
    }
    process.stderr.write(`${formatError(error)}\n`);
    return isGauntletError(error) ? error.exitCode : 2;
  }
}

type Command = ReturnType<typeof defineCommand>;

/** The (sub)command the leading words of argv name, and its parent. */
async function commandOf(root: Command, argv: string[]): Promise<[Command, Command | undefined]> {
  let command = root;
  let parent: Command | undefined;
  for (const word of argv) {
    const subs = (typeof command.subCommands === 'function' ? await command.subCommands() : await command.subCommands) as Record<string, Command | (() => Promise<Command>)> | undefined;
    const next = subs?.[word];
    if (!next) break;
    parent = command;
    command = typeof next === 'function' ? await next() : next;
  }
  return [command, parent];
}

function isCittyUsageError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'CLIError' || /Unknown command|Missing required/.test(error.message));
}
