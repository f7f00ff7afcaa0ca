import { defineCommand, renderUsage, runCommand as runCitty } from 'citty';
import { formatError, GauntletError, isGauntletError } from '../errors/gauntlet-error.ts';
import { checkOptions } from './options.ts';

/** The CLI entry: returns the exit code (0 pass, 1 a gate failed, 2 usage/config/environment error). */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  // Each command's module is loaded only when it is named: `gauntlet --help` loads none of them.
  const commands: Record<string, () => Promise<Command>> = {
    run: async () => (await import('./commands/run.ts')).runCommand(setExit) as Command,
    baseline: async () => (await import('./commands/run.ts')).runCommand(setExit, 'baseline') as Command,
    env: async () => (await import('./commands/env.ts')).envCommand as Command,
    doctor: async () => (await import('./commands/doctor.ts')).doctorCommand(setExit) as Command,
    load: async () => (await import('./commands/load.ts')).loadCommand as Command,
    init: async () => (await import('./commands/init.ts')).initCommand as Command,
  };
  const meta = { name: 'gauntlet', description: 'Test and load-verify an HTTP backend with Postgres and Redis, with pass/fail gates' };
  const root = defineCommand({ meta, subCommands: commands });
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    // The same usage citty renders, from the descriptions below rather than from every command's module.
    const help = defineCommand({ meta, subCommands: Object.fromEntries(Object.entries(DESCRIPTIONS).map(([name, description]) => [name, defineCommand({ meta: { name, description } })])) });
    process.stdout.write(`${await renderUsage(help)}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  // `gauntlet run --help`, `gauntlet env up -h`: the command's usage, and nothing is run.
  if (argv.includes('--help') || argv.includes('-h')) {
    const [command, parent] = await commandOf(root, argv);
    process.stdout.write(`${await renderUsage(command, parent)}\n`);
    return 0;
  }
  try {
    // A typo is a usage error naming the nearest valid option, not an option silently ignored.
    const [command, , words] = await commandOf(root, argv);
    if (command !== root) checkOptions(command, argv, words);
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

/** What `gauntlet --help` lists; test/cli/help.test.ts holds it equal to each command's own meta. */
export const DESCRIPTIONS: Record<string, string> = {
  run: 'Provision, start the target, run stages, evaluate gates, write reports (exit 0 pass, 1 gate failed, 2 error)',
  baseline: 'Run as `gauntlet run` does and accept every finding: write gauntlet.baseline.json (later runs fail only on new findings)',
  env: 'Keep an environment running for local development',
  doctor: "Report what this machine has for Gauntlet, and the exact fix for anything missing",
  load: 'Write what runs the load script elsewhere: --emit k6-operator (a TestRun manifest)',
  init: "Write a commented gauntlet.config.ts from the target's OpenAPI document",
};

/** The (sub)command the leading words of argv name, and its parent. */
async function commandOf(root: Command, argv: string[]): Promise<[Command, Command | undefined, number]> {
  let command = root;
  let parent: Command | undefined;
  let words = 0;
  for (const word of argv) {
    const subs = (typeof command.subCommands === 'function' ? await command.subCommands() : await command.subCommands) as Record<string, Command | (() => Promise<Command>)> | undefined;
    const next = subs?.[word];
    if (!next) break;
    parent = command;
    command = typeof next === 'function' ? await next() : next;
    words += 1;
  }
  return [command, parent, words];
}

function isCittyUsageError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'CLIError' || /Unknown command|Missing required/.test(error.message));
}
