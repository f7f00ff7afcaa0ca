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

describe('the recovery gate on a slow machine', () => {
  const recovery = (valueMs: number, probeMs: number): Measurement => ({ name: 'recovery', valueMs, label: 'redis stopped', probeMs });

  it("is inconclusive (not a pass, not a failure) when only the probe's own time puts it over", () => {
    const [g] = e2eGates([recovery(5_600, 900)], { recoveryMs: 5_000 });
    expect(g).toMatchObject({ name: 'e2e.recovery.max', actual: 5_600, passed: true, inconclusive: true });
    expect(g?.message).toMatch(/^inconclusive: redis stopped took 5600 ms to recover, but 900 ms of that was the probe request itself on this machine; without it 4700 ms, within 5000 ms/);
  });

  it('fails when the recovery is over even without the probe, and passes within it', () => {
    expect(e2eGates([recovery(5_600, 100)], { recoveryMs: 5_000 })[0]).toMatchObject({ passed: false });
    expect(e2eGates([recovery(5_600, 100)], { recoveryMs: 5_000 })[0]?.inconclusive).toBeUndefined();
    expect(e2eGates([recovery(4_000, 900)], { recoveryMs: 5_000 })[0]).toMatchObject({ passed: true });
  });

  it('measures the probe with a slowed client: a recovery seen only through a 600 ms request is inconclusive at 500 ms', async () => {
    const { measureRecovery } = await import('./recovery.ts');
    const { measurements } = await import('./measurements.ts');
    // The service is back at once; the client takes 600 ms a request.
    await measureRecovery('slow client', () => new Promise((resolve) => setTimeout(() => resolve(true), 600)));
    const measured = measurements().filter((m) => m.label === 'slow client');
    expect(measured[0]?.probeMs).toBeGreaterThanOrEqual(590);
    expect(e2eGates(measured, { recoveryMs: 500 })[0]).toMatchObject({ inconclusive: true });
  });
});
