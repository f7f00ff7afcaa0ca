import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { quantile } from 'simple-statistics';
import { gate } from '../gates/compare.ts';
import type { GateResult } from '../results/types.ts';

/** What the step library measures: stream timings and recovery times, in ms. */
export type MeasurementName = 'stream.ttft' | 'stream.inter-token' | 'recovery';

export interface Measurement {
  name: MeasurementName;
  valueMs: number;
  /** Which journey or fault it came from ("streaming chat", "redis stopped"). */
  label: string;
  /** A recovery: how long the probe that finally succeeded took itself (part of valueMs, and a measure of the machine's speed). */
  probeMs?: number;
}

/** The env var the e2e stage sets to the file its journeys append measurements to. */
export const MEASUREMENTS_ENV = 'GAUNTLET_E2E_MEASUREMENTS';

const inMemory: Measurement[] = [];

/**
 * Records a measurement: appended as a JSON line to $GAUNTLET_E2E_MEASUREMENTS when the e2e stage
 * runs the suite (test workers are separate processes; appends of one short line do not interleave),
 * and kept in memory either way (measurements() for in-process runs).
 */
export function record(measurement: Measurement): void {
  inMemory.push(measurement);
  const file = process.env[MEASUREMENTS_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(measurement)}\n`);
}

export function measurements(): readonly Measurement[] {
  return inMemory;
}

export async function readMeasurements(file: string): Promise<Measurement[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Measurement);
}

export interface E2eThresholds {
  ttftMs?: number;
  interTokenMs?: number;
  recoveryMs?: number;
}

/**
 * The e2e gates: p95 of time to first token and of inter-token gaps, and the slowest recovery.
 * Only thresholds that are set become gates; a gate whose figure was never measured fails (the
 * journey that should have measured it did not run, or did not get that far).
 */
export function e2eGates(list: readonly Measurement[], thresholds: E2eThresholds): GateResult[] {
  const values = (name: MeasurementName) => list.filter((m) => m.name === name).map((m) => m.valueMs);
  const specs: [string, number | undefined, number[], (v: number[]) => number][] = [
    ['e2e.stream.ttft.p95', thresholds.ttftMs, values('stream.ttft'), (v) => quantile(v, 0.95)],
    ['e2e.stream.interToken.p95', thresholds.interTokenMs, values('stream.inter-token'), (v) => quantile(v, 0.95)],
    ['e2e.recovery.max', thresholds.recoveryMs, values('recovery'), (v) => Math.max(...v)],
  ];
  const gates: GateResult[] = [];
  for (const [name, threshold, v, aggregate] of specs) {
    if (threshold === undefined) continue;
    if (v.length === 0) gates.push(gate(name, null, '<=', threshold, 'not measured: no journey recorded this figure'));
    else gates.push(name === 'e2e.recovery.max' ? recoveryGate(list, threshold) : gate(name, Math.round(aggregate(v) * 10) / 10, '<=', threshold));
  }
  return gates;
}

/**
 * The slowest recovery, timing-aware: a recovery is measured until the probe that succeeded has
 * answered, so that probe's own time is in it. When the recovery minus that time is within the
 * threshold but the recovery is not, the service may well have recovered in time and the machine
 * was too slow to tell: inconclusive, with the figures. Over the threshold even without it: failed.
 */
function recoveryGate(list: readonly Measurement[], threshold: number): GateResult {
  const recoveries = list.filter((m) => m.name === 'recovery');
  const slowest = recoveries.reduce((a, b) => (b.valueMs > a.valueMs ? b : a));
  const result = gate('e2e.recovery.max', Math.round(slowest.valueMs * 10) / 10, '<=', threshold);
  if (result.passed) return result;
  const probe = slowest.probeMs ?? 0;
  const undecided = recoveries.filter((m) => m.valueMs > threshold).every((m) => m.valueMs - (m.probeMs ?? 0) <= threshold);
  if (!undecided) return result;
  return { ...result, passed: true, inconclusive: true, message: `inconclusive: ${slowest.label} took ${slowest.valueMs} ms to recover, but ${Math.round(probe)} ms of that was the probe request itself on this machine; without it ${Math.round(slowest.valueMs - probe)} ms, within ${threshold} ms. Too slow a machine to tell: run it on a faster one, or raise the probe's priority.` };
}
