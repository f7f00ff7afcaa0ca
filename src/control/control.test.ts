import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestartableService } from '../environments/types.ts';
import { startMockUpstream, type StartedUpstream } from '../upstreams/mock-upstream.ts';
import { faultControl } from './control-client.ts';
import { startControl, type StartedControl } from './control-server.ts';

/** A service that records what was asked of it (the real stop/start is proven by suites/e2e against Postgres and Redis). */
function recorder(log: string[], name: string): RestartableService {
  return { stop: async () => void log.push(`${name} stop`), start: async () => void log.push(`${name} start`) };
}

describe('the fault-injection channel', () => {
  const log: string[] = [];
  let upstream: StartedUpstream;
  let control: StartedControl;
  beforeAll(async () => {
    upstream = await startMockUpstream({ name: 'llm', handlers: path.resolve('examples/companion-api/mocks/handlers.ts'), export: 'handlers', env: 'LLM_BASE_URL' });
    control = await startControl([upstream], { postgres: recorder(log, 'postgres'), redis: recorder(log, 'redis') });
  });
  afterAll(async () => {
    await control.stop();
    await upstream.stop();
  });

  const chat = () => fetch(`${upstream.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) });

  it('switches an upstream fault over HTTP, and the upstream answers accordingly', async () => {
    const faults = faultControl(control.url);
    expect((await faults.upstream('llm', 'error')).upstreams).toEqual({ llm: 'error' });
    expect((await chat()).status).toBe(500);
    await faults.upstream('llm', 'malformed');
    expect(await (await chat()).text()).toBe('{"choices": [ <truncated');
    await faults.upstream('llm', 'none');
    expect((await chat()).status).toBe(200);
  });

  it('delays every chunk of a slow upstream, and holds a timed-out request until the fault clears', async () => {
    const faults = faultControl(control.url);
    await faults.upstream('llm', 'slow', { delayMs: 120 });
    const started = performance.now();
    expect((await chat()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    await faults.upstream('llm', 'timeout');
    const held = chat().then(
      (r) => `answered ${r.status}`,
      () => 'cut off',
    );
    const raced = await Promise.race([held, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300))]);
    expect(raced).toBe('still waiting');
    await faults.upstream('llm', 'none');
    expect(await held).toBe('cut off');
  });

  it('stops and starts services one at a time, and restore() starts what is still stopped', async () => {
    const faults = faultControl(control.url);
    expect((await faults.stop('redis')).services).toEqual({ postgres: 'up', redis: 'down' });
    await faults.upstream('llm', 'error');
    expect(await faults.restore()).toEqual({ upstreams: { llm: 'none' }, services: { postgres: 'up', redis: 'up' } });
    expect(log).toEqual(['redis stop', 'redis start']);
  });

  it('refuses what it does not know with a message naming the fix', async () => {
    const faults = faultControl(control.url);
    await expect(faults.upstream('payments', 'error')).rejects.toThrow('404 no upstream "payments": the config\'s upstreams are llm');
    await expect(faults.upstream('llm', 'flaky' as never)).rejects.toThrow('"fault" must be one of none, error, malformed, timeout, slow');
    await expect(faults.stop('mysql' as never)).rejects.toThrow('no service "mysql": use postgres or redis');
    expect((await fetch(`${new URL(control.url).origin}/services/redis/stop`, { method: 'POST' })).status).toBe(404); // the secret path is required
    await expect(faultControl(null).state()).rejects.toThrow('GauntletContext.controlUrl is null');
  });
});
