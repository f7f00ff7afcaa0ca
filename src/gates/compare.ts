import type { Comparator, GateResult } from '../results/types.ts';

/** The one comparison every gate uses: exactly at the threshold passes. null (not measured) fails. */
export function compare(actual: number | null, comparator: Comparator, threshold: number): boolean {
  if (actual === null || Number.isNaN(actual)) return false;
  switch (comparator) {
    case '>=':
      return actual >= threshold;
    case '<=':
      return actual <= threshold;
    case '==':
      return actual === threshold;
  }
}

export function gate(name: string, actual: number | null, comparator: Comparator, threshold: number, message?: string): GateResult {
  return { name, comparator, threshold, actual, passed: compare(actual, comparator, threshold), ...(message ? { message } : {}) };
}
