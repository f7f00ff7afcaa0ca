import type { CheckResult } from '../../results/types.ts';
import { curl, send, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { liveness } from '../../target/liveness.ts';

interface Read {
  op: Operation;
  request: HttpRequest;
}

/**
 * State poisoning: a write that makes a read which worked before fail afterwards (a row the list
 * cannot render, a NULL the join does not expect). The reads that answered 2xx to their valid
 * request are watched; after every write that succeeded, each is sent again, and the first write
 * after which one answers 5xx is named with both requests, in order. Without this, the failure
 * shows up later as the read's own bug (a fuzzer "shrinks" it to the read's query parameter).
 */
export class PoisonWatch {
  private readonly reads: Read[] = [];
  private readonly poisoned = new Set<string>();
  /** Per poisoned read: its finding, and the checks of it that were not judged because of the write. */
  private readonly findings = new Map<string, { check: CheckResult; broke: string[] }>();

  constructor(private readonly onCheck: (check: CheckResult) => void) {}

  /** A read (GET without path parameters: a list, a profile) that answered its valid request with a 2xx. */
  watch(op: Operation, request: HttpRequest, response: HttpResponse): void {
    if (op.method === 'GET' && response.status < 300 && !op.parameters.some((p) => p.in === 'path') && !this.reads.some((r) => r.op.id === op.id)) this.reads.push({ op, request });
  }

  /** After a request of another stage phase: when it was a write that succeeded, every watched read again. */
  async after(request: HttpRequest, response: HttpResponse): Promise<void> {
    if (request.method === 'GET' || request.method === 'HEAD' || response.status >= 300) return;
    this.dropCrashers();
    for (const read of this.reads) {
      if (this.poisoned.has(read.op.id)) continue;
      const again = await send(read.request);
      if (again.status < 500) continue;
      this.poisoned.add(read.op.id);
      const check: CheckResult = {
        id: `contract:${read.op.id}:state-poisoning`,
        stage: 'contract',
        title: `${read.op.id} still answers after the other requests' writes (no state poisoning)`,
        status: 'failed',
        message: [
          `${read.op.id} answered 2xx earlier in the run, and ${again.status} right after this write: the write left data the read cannot handle.`,
          `1. the write: ${curl(request)}`,
          `   answered ${response.status} ${response.text.slice(0, 300)}`,
          `2. the read: ${curl(read.request)}`,
          `   answered ${again.status} ${again.text.slice(0, 500)}`,
        ].join('\n'),
        evidence: { write: curl(request), writeStatus: response.status, request: curl(read.request), status: again.status, body: again.text.slice(0, 2_000) },
      };
      this.findings.set(read.op.id, { check, broke: [] });
      this.onCheck(check);
    }
  }

  /** A check of a poisoned read that is skipped because of the write: listed in the write's one finding. */
  broke(opId: string, checkId: string): void {
    this.findings.get(opId)?.broke.push(checkId);
  }

  /** The watched reads' requests (lists, the profile, counters). */
  requests(): HttpRequest[] {
    this.dropCrashers();
    return this.reads.map((r) => r.request);
  }

  /**
   * A read sent just before a death of the target is not sent again and again: its crashes are
   * reported by the target's liveness (a check each), and each restart costs seconds.
   */
  private dropCrashers(): void {
    const before = new Set(liveness.all().flatMap((c) => c.requestsBefore.map((r) => `${r.method} ${r.url}`)));
    for (let i = this.reads.length - 1; i >= 0; i--) {
      const read = this.reads[i] as Read;
      if (before.has(`${read.request.method} ${read.request.url}`)) this.reads.splice(i, 1);
    }
  }

  /** The read was broken by an earlier write (and that finding reported). */
  isPoisoned(opId: string): boolean {
    return this.poisoned.has(opId);
  }

  /** One passed check per watched read that no write broke (the failures were reported as they came). */
  finish(): void {
    // One finding for the write, listing what it broke (each of those is skipped, naming this finding).
    for (const { check, broke } of this.findings.values()) if (broke.length) check.message = `${check.message}\nwhat it broke (not judged, each skipped with this reason): ${broke.join(', ')}`;
    this.dropCrashers();
    for (const read of this.reads) {
      if (this.poisoned.has(read.op.id)) continue;
      this.onCheck({ id: `contract:${read.op.id}:state-poisoning`, stage: 'contract', title: `${read.op.id} still answers after the other requests' writes (no state poisoning)`, status: 'passed' });
    }
  }
}
