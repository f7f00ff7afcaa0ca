import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { createKit, runJourney } from '../../src/e2e/index.ts';
import { startStack } from '../../src/provision/stack.ts';
import { chatJourney } from '../../suites/e2e/journeys/chat.ts';
import { ROOT } from '../helpers/cli.ts';
import { dockerOrSay } from '../helpers/environment-checks.ts';

const docker = await dockerOrSay('test/e2e/journey-testcontainers.test.ts');

describe.skipIf(!docker)('the main journey through Testcontainers (skipped without a Docker engine)', () => {
  it('register, log in, chat with history, refresh, log out: every step passes with Postgres and Redis in containers', async () => {
    const { config } = await loadConfig(path.join(ROOT, 'gauntlet.config.ts'));
    const stack = await startStack({ ...config, reportsDir: path.join(ROOT, 'reports', 'test-e2e-testcontainers') }, 'testcontainers', { withTarget: true });
    try {
      expect(stack.environment.kind).toBe('testcontainers');
      const steps = await runJourney(chatJourney, createKit(config, stack.context));
      expect(steps.filter((s) => s.status !== 'passed')).toEqual([]);
      expect(steps.map((s) => s.name)).toContain('log out: the access token is refused afterwards');
    } finally {
      await stack.stop();
    }
  });
});
