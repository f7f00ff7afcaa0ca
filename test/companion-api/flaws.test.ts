import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FLAWS } from '../../examples/companion-api/src/flaws/index.ts';
import { Api } from '../helpers/api.ts';
import { startExampleTarget, type ExampleTarget } from '../helpers/example-target.ts';
import { PROBES } from './flaw-probes.ts';

/**
 * Every seeded flaw demonstrably changes behaviour over HTTP: its probe sees the bug on a process
 * started with the flaw, and does not see it on a clean process (same env).
 */
describe('seeded flaws of companion-api', () => {
  it('has a probe for every flaw in the catalogue', () => {
    expect(Object.keys(PROBES).sort()).toEqual(FLAWS.map((f) => f.name).sort());
  });

  describe.each(FLAWS.map((f) => [f.name, f] as const))('%s', (name) => {
    const probe = PROBES[name];
    if (!probe) return;
    let flawed: ExampleTarget;
    let clean: ExampleTarget | undefined;
    beforeAll(async () => {
      [flawed, clean] = await Promise.all([
        startExampleTarget({ flaws: [name], env: probe.env, unreachableDatabase: probe.unreachableDatabase }),
        probe.env || probe.isolated || probe.unreachableDatabase ? startExampleTarget({ env: probe.env, unreachableDatabase: probe.unreachableDatabase }) : undefined,
      ]);
    });
    afterAll(async () => {
      await Promise.all([flawed?.dispose(), clean?.dispose()]);
    });

    it(`with the flaw: ${probe.shows}`, async () => {
      expect(await probe.run(new Api(flawed.url), flawed.database.url)).toBe(true);
    });

    it('without it: the clean service does not', async () => {
      expect(await probe.run(new Api(clean?.url ?? (inject('gauntlet').targetUrl as string)), clean?.database.url ?? (inject('gauntlet').databaseUrl as string))).toBe(false);
    });
  });
});
