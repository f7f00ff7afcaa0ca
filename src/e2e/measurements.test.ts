import { describe, expect, it } from 'vitest';
import { e2eGates, type Measurement } from './measurements.ts';

const m = (name: Measurement['name'], ...values: number[]): Measurement[] => values.map((valueMs) => ({ name, valueMs, label: 'test' }));

describe('e2eGates', () => {
  it('passes exactly at a threshold and fails just above it', () => {
    expect(e2eGates(m('recovery', 100, 2_000), { recoveryMs: 2_000 })).toEqual([{ name: 'e2e.recovery.max', comparator: '<=', threshold: 2_000, actual: 2_000, passed: true }]);
    expect(e2eGates(m('recovery', 2_000.1), { recoveryMs: 2_000 })[0]).toMatchObject({ actual: 2_000.1, passed: false });
  });

  it('gates the p95 of stream timings, not the mean or the worst', () => {
    // One slow first token in 40 leaves p95 fast; two slow in 20 make it slow.
    const fast = (n: number) => Array.from({ length: n }, () => 40);
    expect(e2eGates(m('stream.ttft', ...fast(39), 900), { ttftMs: 50 })[0]).toMatchObject({ name: 'e2e.stream.ttft.p95', actual: 40, passed: true });
    expect(e2eGates(m('stream.ttft', ...fast(18), 900, 900), { ttftMs: 50 })[0]).toMatchObject({ actual: 900, passed: false });
    expect(e2eGates(m('stream.inter-token', 10, 12, 11), { interTokenMs: 12 })[0]).toMatchObject({ name: 'e2e.stream.interToken.p95', actual: 11.9, passed: true });
  });

  it('fails a gate whose figure was never measured, and makes no gate without a threshold', () => {
    expect(e2eGates(m('stream.ttft', 10), { recoveryMs: 1_000 })).toEqual([
      { name: 'e2e.recovery.max', comparator: '<=', threshold: 1_000, actual: null, passed: false, message: 'not measured: no journey recorded this figure' },
    ]);
    expect(e2eGates(m('recovery', 10), {})).toEqual([]);
  });
});
