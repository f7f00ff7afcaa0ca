import type { UpstreamFault } from '../upstreams/mock-upstream.ts';
import type { ControlState, ServiceName } from './control-server.ts';

export interface FaultControl {
  /** Puts a mocked upstream into a failure mode ('none' clears it). */
  upstream(name: string, fault: UpstreamFault, options?: { delayMs?: number }): Promise<ControlState>;
  /** Stops Postgres or Redis of the environment (same address when started again). */
  stop(service: ServiceName): Promise<ControlState>;
  start(service: ServiceName): Promise<ControlState>;
  state(): Promise<ControlState>;
  /** Clears every upstream fault and starts every stopped service. */
  restore(): Promise<ControlState>;
}

/** The test-side client of the fault-injection channel (control-server.ts). */
export function faultControl(controlUrl: string | null): FaultControl {
  const call = async (method: string, path: string, body?: unknown): Promise<ControlState> => {
    if (!controlUrl) throw new Error('this environment has no fault-injection channel (GauntletContext.controlUrl is null): run the tests through a Gauntlet stage or the vitest globalSetup');
    const response = await fetch(`${controlUrl}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const json = (await response.json()) as ControlState & { error?: string };
    if (!response.ok) throw new Error(`fault control ${method} ${path}: ${response.status} ${json.error ?? ''}`);
    return json;
  };
  return {
    upstream: (name, fault, options = {}) => call('PUT', `/upstreams/${encodeURIComponent(name)}/fault`, { fault, ...options }),
    stop: (service) => call('POST', `/services/${service}/stop`),
    start: (service) => call('POST', `/services/${service}/start`),
    state: () => call('GET', ''),
    restore: () => call('POST', '/restore'),
  };
}
