import type { Operation } from './operations.ts';
import type { CheckResult } from '../results/types.ts';

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

/** The contract:coverage check: what the numbers are, per operation in its evidence. */
export function coverageCheck(coverage: Coverage): CheckResult {
  const metrics = coverage.metrics();
  return {
    id: 'contract:coverage',
    stage: 'contract',
    title: `API coverage: ${metrics['apiCoverage.operations']}% of operations, ${metrics['apiCoverage.statusCodes']}% of documented statuses, ${metrics['apiCoverage.parameters']}% of parameters`,
    status: 'passed',
    evidence: { operations: coverage.perOperation() },
  };
}

/**
 * The run's API coverage, shared by the stages that call the API: the contract stage makes it,
 * the security stage's answers count too (a 401 to a forged token is a documented status seen),
 * and the run puts the union in the contract stage's metrics when every stage is done.
 */
let shared: Coverage | undefined;
export function shareCoverage(coverage: Coverage | undefined): void {
  shared = coverage;
}
export function sharedCoverage(): Coverage | undefined {
  return shared;
}
