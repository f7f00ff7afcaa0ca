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
    else gates.push(gate(name, Math.round(aggregate(v) * 10) / 10, '<=', threshold));
  }
  return gates;
}
