import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { startStack, type Stack } from '../../src/provision/stack.ts';
import { ROOT } from '../helpers/cli.ts';

/** A stack of its own: stopping its Postgres cannot disturb the other test files. */
describe('companion-api /health when Postgres is down', () => {
  let stack: Stack;
  beforeAll(async () => {
    const { config } = await loadConfig(path.join(ROOT, 'gauntlet.config.ts'));
    stack = await startStack({ ...config, reportsDir: path.join(ROOT, 'reports', 'test-targets') }, 'native', { withTarget: true });
  });
  afterAll(() => stack.stop());

  it('answers 503 naming the database while it is down, and 200 again once it is back', async () => {
    const health = async () => {
      const r = await fetch(`${stack.context.targetUrl}/health`);
      return { status: r.status, body: await r.json() };
    };
    expect((await health()).status).toBe(200);
    await stack.environment.services.postgres.stop();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'down', checks: { database: { status: 'down' }, redis: { status: 'up' } } });
    await stack.environment.services.postgres.start();
    let back = await health();
    for (let i = 0; i < 50 && back.status !== 200; i++) back = await health(); // the pool reconnects on its next query
    expect(back).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
