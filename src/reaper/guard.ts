import { ledger } from './ledger.ts';
import { sweepDeadRuns } from './sweep.ts';
import { startWatchdog } from './watchdog.ts';

/**
 * What `gauntlet run` and `gauntlet env up` do first: remove what dead runs on this machine left
 * behind (said on stderr when there was any), then keep this run's record on disk with a watchdog
 * beside it. `close()` at a clean end drops the record, and the watchdog ends with it.
 */
export async function guardRun(command: string): Promise<{ close(): void }> {
  const reaped = await sweepDeadRuns();
  if (reaped.length) process.stderr.write(`gauntlet: removed what an earlier run left behind: ${reaped.join(', ')}\n`);
  startWatchdog(ledger.open(command));
  return { close: () => ledger.close() };
}
