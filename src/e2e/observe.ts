import { readPath } from '../http/session.ts';
import { counterTotals } from '../stages/load/sampler.ts';
import type { E2eClient } from './client.ts';

export interface HealthView {
  status: number;
  /** Each configured dependency's status as the target reports it. */
  dependencies: Record<string, string | undefined>;
  body: unknown;
}

/**
 * The target's health answer, read the way the config describes it
 * (stages.e2e.health.dependencies: name → dot path of its status).
 */
export async function health(client: E2eClient, path: string, dependencies: Record<string, string>): Promise<HealthView> {
  const r = await client.get(path);
  const body = r.data ?? safeJson(r.text);
  return { status: r.status, body, dependencies: Object.fromEntries(Object.entries(dependencies).map(([name, p]) => [name, readPath(body, p) as string | undefined])) };
}

/** The listed Prometheus counter families, each summed over its series (0 when absent). */
export async function counters(client: E2eClient, path: string, names: string[]): Promise<Record<string, number>> {
  const r = await client.get(path);
  const totals = counterTotals(r.text);
  return Object.fromEntries(names.map((n) => [n, totals[n] ?? 0]));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
