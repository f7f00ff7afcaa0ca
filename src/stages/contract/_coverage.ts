import type { Operation } from '../../openapi/operations.ts';

/** What the stage exercised, against what the document declares. */
export class Coverage {
  private readonly exercised = new Set<string>();
  private readonly statuses = new Map<string, Set<string>>();
  private readonly parameters = new Map<string, Set<string>>();

  constructor(private readonly operations: Operation[]) {}

  record(op: Operation, status: number, sentParameters: string[] = []): void {
    this.exercised.add(op.id);
    const seen = this.statuses.get(op.id) ?? new Set();
    const spec = op.responses.find((r) => r.status === String(status)) ?? op.responses.find((r) => r.status.toUpperCase() === `${String(status)[0]}XX`);
    if (spec) seen.add(spec.status);
    this.statuses.set(op.id, seen);
    const params = this.parameters.get(op.id) ?? new Set();
    for (const p of sentParameters) params.add(p);
    this.parameters.set(op.id, params);
  }

  metrics(): Record<string, number> {
    const documentedStatuses = this.operations.reduce((n, op) => n + op.responses.filter((r) => r.status !== 'default').length, 0);
    const observedStatuses = [...this.statuses.values()].reduce((n, s) => n + s.size, 0);
    const documentedParameters = this.operations.reduce((n, op) => n + op.parameters.length, 0);
    const sentParameters = [...this.parameters.values()].reduce((n, s) => n + s.size, 0);
    const pct = (a: number, b: number) => (b === 0 ? 100 : Math.round((a / b) * 10_000) / 100);
    return {
      'apiCoverage.operations': pct(this.exercised.size, this.operations.length),
      'apiCoverage.statusCodes': pct(observedStatuses, documentedStatuses),
      'apiCoverage.parameters': pct(sentParameters, documentedParameters),
      operations: this.operations.length,
      operationsExercised: this.exercised.size,
    };
  }

  /** Per operation, for reports: which documented statuses were observed. */
  perOperation(): { operation: string; exercised: boolean; observed: string[]; documented: string[] }[] {
    return this.operations.map((op) => ({
      operation: op.id,
      exercised: this.exercised.has(op.id),
      observed: [...(this.statuses.get(op.id) ?? [])].sort(),
      documented: op.responses.map((r) => r.status),
    }));
  }
}
