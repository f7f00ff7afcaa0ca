import { defineCommand } from 'citty';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import { resolveEnvironmentKind } from '../../environments/resolve.ts';
import { registerCleanup } from '../../process/cleanup.ts';
import { startStack } from '../../provision/stack.ts';
import { commonArgs, flawEnv, loadConfigForCli, parseEnvKind } from '../_shared.ts';
import { envFilePath, readEnvFile, removeEnvFile, removeEnvLeftovers, writeEnvFile } from '../env-state.ts';
import { guardRun } from '../../reaper/guard.ts';
import { isAlive, waitForExit } from '../../reaper/proc.ts';
import { sweepDeadRuns } from '../../reaper/sweep.ts';

const up = defineCommand({
  meta: { name: 'up', description: 'Start Postgres + Redis (+ the target with --target) and keep them running until Ctrl-C or `gauntlet env down`' },
  args: {
    ...commonArgs,
    target: { type: 'boolean', description: 'Also start the target', default: false },
    flaw: { type: 'string', description: "Start the target with seeded flaw(s) switched on (needs target.flaws)" },
  },
  async run({ args }) {
    const config = await loadConfigForCli(args.config);
    const existing = await readEnvFile(config.rootDir);
    if (existing && isAlive(existing.pid)) {
      throw new GauntletError('GAUNTLET_ENV_ALREADY_RUNNING', `An environment started by process ${existing.pid} is still running (${envFilePath(config.rootDir)}).`, {
        fix: 'Use it (its URLs are in that file), or stop it first with `gauntlet env down`.',
      });
    }
    if (existing) await removeEnvLeftovers(existing);
    const kind = await resolveEnvironmentKind(parseEnvKind(args.env, config));
    const guard = await guardRun('env up');
    const stack = await startStack(config, kind, { withTarget: args.target, targetEnv: flawEnv(args.flaw, config) });
    const stop = async () => {
      await stack.stop();
      await removeEnvFile(config.rootDir);
      guard.close();
    };
    registerCleanup('env up', stop);
    await writeEnvFile(config.rootDir, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      state: stack.environment.state(),
      targetPid: stack.target?.pid ?? null,
      context: stack.context,
    });
    const names = config.target.env;
    const lines = [
      `gauntlet env up: ${kind} environment ready in ${stack.timings.environmentMs} ms${stack.target ? `, target healthy in ${stack.timings.targetMs} ms` : ''}`,
      `  ${names.databaseUrl}=${stack.context.databaseUrl}`,
      `  ${names.redisUrl}=${stack.context.redisUrl}`,
      ...(stack.target ? [`  TARGET_URL=${stack.target.url}`, `  target log: ${stack.target.logFile}`] : []),
      `  GAUNTLET_CONTEXT='${JSON.stringify(stack.context)}'  (vitest suites reuse this environment when it is set)`,
      'Press Ctrl-C, or run `gauntlet env down`, to stop and remove everything.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    // Stay up: the signal handlers in process/cleanup.ts tear down and exit.
    setInterval(() => undefined, 1 << 30);
    await new Promise(() => undefined);
  },
});

const down = defineCommand({
  meta: { name: 'down', description: 'Stop and remove everything `gauntlet env up` started' },
  args: { config: commonArgs.config },
  async run({ args }) {
    const config = await loadConfigForCli(args.config);
    const file = await readEnvFile(config.rootDir);
    // Whatever any dead run on this machine left behind goes too (its watchdog normally got there first).
    const reaped = await sweepDeadRuns();
    const alsoReaped = reaped.length ? ` Removed what dead runs left behind: ${reaped.join(', ')}.` : '';
    if (!file) {
      process.stdout.write(`gauntlet env down: nothing to stop (no environment was started here).${alsoReaped}\n`);
      return;
    }
    let graceful = false;
    if (isAlive(file.pid)) {
      process.kill(file.pid, 'SIGTERM');
      graceful = await waitForExit(file.pid, 60_000);
    }
    // After a graceful stop the listed pids are gone (and may be reused): only sweep when it was not.
    const leftovers = graceful ? [] : await removeEnvLeftovers(file);
    await removeEnvFile(config.rootDir);
    process.stdout.write(
      `gauntlet env down: ${graceful ? `process ${file.pid} stopped everything it started` : `process ${file.pid} was not running`}${leftovers.length ? `; also ${leftovers.join(', ')}` : ''}.${alsoReaped}\n`,
    );
  },
});

export const envCommand = defineCommand({
  meta: { name: 'env', description: 'Keep an environment running for local development' },
  subCommands: { up, down },
});
