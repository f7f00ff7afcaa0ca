import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reap, runAlive } from './sweep.ts';

/** How often the watchdog looks at its run. */
const INTERVAL_MS = 200;

/**
 * A small process that outlives a SIGKILLed Gauntlet (it leads its own session, so neither a
 * terminal's Ctrl-C nor a kill of Gauntlet's process group reaches it) and tears down what the run's
 * record lists once the run is gone. The same idea as Testcontainers' Ryuk, for processes and temp
 * directories as well as containers. It ends with the run: at once when the run removed its record
 * (a clean end), or after reaping.
 */
export function startWatchdog(recordFile: string): void {
  const source = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./watchdog.${source ? 'ts' : 'js'}`, import.meta.url));
  // From the sources (a checkout of Gauntlet) the entry is TypeScript: tsx loads it, as it loads the CLI.
  const execArgv = source ? ['--import', import.meta.resolve('tsx')] : [];
  const child = spawn(process.execPath, [...execArgv, entry, recordFile], { detached: true, stdio: 'ignore', env: { ...process.env, GAUNTLET_WATCHDOG: '1' } });
  child.unref();
}

/** The watchdog's loop: bounded by its run's life (and by the record file's). */
async function watch(recordFile: string): Promise<void> {
  for (;;) {
    if (!existsSync(recordFile)) return;
    if (!runAlive(recordFile)) {
      await reap(recordFile);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
}

if (process.env.GAUNTLET_WATCHDOG === '1' && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await watch(process.argv[2] as string);
  process.exit(0);
}
