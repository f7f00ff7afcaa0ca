import { logger } from '../log/logger.ts';
import type { ExitInfo } from '../process/managed-process.ts';
import { recentRequests, setRequestHooks, type SentRequest } from '../http/send.ts';

const log = logger('target');

/** A death of the target while the stages ran: how it exited, what it was sent just before, what it logged. */
export interface TargetCrash {
  n: number;
  at: number;
  exit: ExitInfo;
  /** The requests that completed (or failed) in the two seconds before the death, oldest first. */
  requestsBefore: SentRequest[];
  lastLogLines: string[];
  /** How the restart went: undefined while it runs. */
  restart?: { ok: true; ms: number } | { ok: false; reason: string };
}

/** How long a request that failed may wait for the target's exit to be observed, before its failure counts as its own. */
const EXIT_GRACE_MS = 500;

/**
 * The target's liveness, owned by Gauntlet: its process's exit is observed (so a crash after the
 * response was sent is caught too), recorded with the requests just before it and its last log
 * lines, and the target is started again on the same database, so that the run goes on. While it
 * restarts, requests wait; a request that failed because the target died is sent once more to the
 * restarted target. Restarts are bounded (`target.crashRestarts`): past that, requests fail as they
 * are and the stages report it.
 */
class Liveness {
  private crashes: TargetCrash[] = [];
  /** How many of them take() has handed out. */
  private reported = 0;
  private epoch = 0;
  private recovering: Promise<void> | undefined;
  private restartsLeft = 0;
  private active = false;

  constructor() {
    setRequestHooks({
      before: () => this.recovering ?? Promise.resolve(),
      afterFailure: (epochBefore) => this.diedMeanwhile(epochBefore),
      epoch: () => this.epoch,
    });
  }

  /** A run begins (runGauntlet): crashes counted from zero, `restarts` of them restarted. Outside a run a target's death is its owner's business. */
  begin(restarts: number): void {
    this.crashes = [];
    this.reported = 0;
    this.epoch = 0;
    this.recovering = undefined;
    this.restartsLeft = restarts;
    this.active = true;
  }

  end(): void {
    this.active = false;
  }

  /** Called by the target when its process exits without being asked to. */
  crashed(exit: ExitInfo, lastLogLines: string[], relaunch: () => Promise<void>): void {
    if (!this.active) return;
    const at = Date.now();
    this.epoch += 1;
    const crash: TargetCrash = { n: this.crashes.length + 1, at, exit, requestsBefore: recentRequests().filter((r) => r.at >= at - 2_000), lastLogLines };
    this.crashes.push(crash);
    log('target exited (code %s, signal %s): crash %d', exit.code, exit.signal, crash.n);
    if (this.restartsLeft <= 0) {
      crash.restart = { ok: false, reason: 'not restarted: target.crashRestarts restarts were used up' };
      return;
    }
    this.restartsLeft -= 1;
    const started = performance.now();
    this.recovering = relaunch().then(
      () => {
        crash.restart = { ok: true, ms: Math.round(performance.now() - started) };
      },
      (error: unknown) => {
        crash.restart = { ok: false, reason: `the restart failed: ${(error as Error).message.split('\n')[0]}` };
      },
    ).finally(() => {
      this.recovering = undefined;
    });
  }

  /** Every crash of this run so far (take() is what hands them out as checks). */
  all(): readonly TargetCrash[] {
    return this.crashes;
  }

  /** The crashes since the last call (a stage's). */
  take(): TargetCrash[] {
    const taken = this.crashes.slice(this.reported);
    this.reported = this.crashes.length;
    return taken;
  }

  /** After a request failed: did the target die meanwhile? If so, wait for its restart: the request may be sent again. */
  private async diedMeanwhile(epochBefore: number): Promise<boolean> {
    if (!this.active) return false;
    const deadline = Date.now() + EXIT_GRACE_MS;
    while (this.epoch === epochBefore && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    if (this.epoch === epochBefore) return false;
    await this.recovering;
    return this.crashes.at(-1)?.restart?.ok === true;
  }
}

export const liveness = new Liveness();
