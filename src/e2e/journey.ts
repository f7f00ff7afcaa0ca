import type { ResolvedConfig } from '../config/load.ts';
import { faultControl, type FaultControl } from '../control/control-client.ts';
import type { Credentials } from '../http/session.ts';
import type { GauntletContext } from '../provision/stack.ts';
import { E2eClient } from './client.ts';
import { record, type MeasurementName } from './measurements.ts';
import { counters, health, type HealthView } from './observe.ts';
import { measureRecovery, type Recovery } from './recovery.ts';

/** What every step gets: the client, the fault channel, health/metrics readers and the measurements. */
export interface JourneyKit {
  config: ResolvedConfig;
  context: GauntletContext;
  client: E2eClient;
  faults: FaultControl;
  /** The admin the config names (stages.e2e.admin, else stages.security.admin.credentials). */
  admin: Credentials | undefined;
  /** target.health.path, with each stages.e2e.health dependency's status picked out. */
  health(): Promise<HealthView>;
  /** The value stages.e2e.health.up: what a healthy dependency reports. */
  up: string;
  /** Totals of the counters stages.e2e.metrics lists. */
  counters(): Promise<Record<string, number>>;
  measure(name: MeasurementName, valueMs: number, label: string): void;
  recover(label: string, probe: () => Promise<boolean | string>, options?: { timeoutMs?: number; intervalMs?: number }): Promise<Recovery>;
}

export function createKit(config: ResolvedConfig, context: GauntletContext): JourneyKit {
  if (!context.targetUrl) throw new Error('the journeys need a started target (GauntletContext.targetUrl is null)');
  const client = new E2eClient(config, context.targetUrl);
  const e2e = config.stages.e2e;
  const admin = e2e?.admin ?? config.stages.security.admin.credentials;
  return {
    config,
    context,
    client,
    faults: faultControl(context.controlUrl),
    admin: admin && { email: admin.email, password: admin.password, name: 'Gauntlet admin' },
    health: () => health(client, config.target.health.path, e2e?.health.dependencies ?? {}),
    up: e2e?.health.up ?? 'up',
    counters: () => {
      if (!e2e?.metrics) throw new Error('stages.e2e.metrics is not configured: name the metrics path and the counters that must move');
      return counters(client, e2e.metrics.path, e2e.metrics.counters);
    },
    measure: (name, valueMs, label) => record({ name, valueMs, label }),
    recover: (label, probe, options) => measureRecovery(label, probe, options),
  };
}

export type StepFn<S> = (kit: JourneyKit, state: S) => Promise<void>;

/** A user journey as data: named steps over shared state, run in order, reported one by one. */
export interface Journey<S> {
  name: string;
  state(): S;
  steps: { name: string; run: StepFn<S> }[];
  /** Always runs after the steps (clears a fault a failed step left behind). */
  cleanup?: StepFn<S>;
}

/** `journey('name', () => state, { 'step one': async (kit, s) => …, 'step two': … })`: steps run in the order written. */
export function journey<S>(name: string, state: () => S, steps: Record<string, StepFn<S>>, options: { cleanup?: StepFn<S> } = {}): Journey<S> {
  return { name, state, steps: Object.entries(steps).map(([stepName, run]) => ({ name: stepName, run })), ...options };
}

export interface StepResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  error?: string;
}

/** Runs a journey outside vitest (a stage, a benchmark, a test of the library): steps after a failure are skipped. */
export async function runJourney<S>(j: Journey<S>, kit: JourneyKit): Promise<StepResult[]> {
  const state = j.state();
  const results: StepResult[] = [];
  let failed: string | undefined;
  try {
    for (const step of j.steps) {
      if (failed) {
        results.push({ name: step.name, status: 'skipped', ms: 0, error: `an earlier step failed: ${failed}` });
        continue;
      }
      const started = performance.now();
      try {
        await step.run(kit, state);
        results.push({ name: step.name, status: 'passed', ms: Math.round(performance.now() - started) });
      } catch (error) {
        failed = step.name;
        results.push({ name: step.name, status: 'failed', ms: Math.round(performance.now() - started), error: (error as Error).message });
      }
    }
  } finally {
    await j.cleanup?.(kit, state);
  }
  return results;
}
