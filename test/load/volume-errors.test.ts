import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { cloneDatabase, type CloneHandle } from '../../src/database/database-manager.ts';
import type { StageContext } from '../../src/stages/types.ts';
import { measureVolumes } from '../../src/stages/load/volume/volume.ts';
import { ROOT } from '../helpers/cli.ts';

/**
 * The volume profile's failures before any load runs, on a real migrated companion-api database (a
 * template clone): each ends the series with a failed load:volume check naming the problem and the
 * fix, and never reaches k6 (the run callback fails the test if it is called).
 */
describe('load --volume: what stops the growth is named', () => {
  let database: CloneHandle;
  let context: StageContext;
  const volume = { enabled: true, tables: ['messages'], base: 10, sizes: [1, 10], seqScanRows: 10_000, statementGrowthExponent: 0.5, minimumGrowthMs: 5 };
  const neverRun = async (): Promise<never> => {
    throw new Error('the profile must not run when the data could not grow');
  };
  const command = (cmd: string) => ({ command: cmd, cwd: ROOT, env: {}, timeoutMs: 30_000 });

  beforeAll(async () => {
    const gauntlet = inject('gauntlet');
    database = await cloneDatabase(gauntlet.adminUrl as string, gauntlet.templateDatabase as string, 'volume');
    const { config } = await loadConfig(path.join(ROOT, 'gauntlet.config.ts'));
    context = { config, gauntlet: { ...gauntlet, databaseUrl: database.url } } as unknown as StageContext;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('a table the database does not have, before anything is seeded', async () => {
    const out = await measureVolumes(context, { ...volume, tables: ['messages', 'mesages'], seed: command('exit 0') }, 1, neverRun);
    expect(out.checks).toEqual([expect.objectContaining({ id: 'load:volume', status: 'failed', message: 'stages.load.volume.tables names mesages, which the target\'s database does not have (after its migrations): name the tables the seeding fills, e.g. "messages"' })]);
    expect(out.tables).toEqual([]);
  });

  it('a seed command that fails: its exit code and its last output', async () => {
    const out = await measureVolumes(context, { ...volume, seed: command('echo "relation volume_x does not exist" >&2; exit 3') }, 1, neverRun);
    const check = out.checks.find((c) => c.id === 'load:volume');
    expect(check?.status).toBe('failed');
    expect(check?.message).toMatch(/^the volume could not grow: The volume seed command `echo .*` failed \(exit code 3\)\.\nlast output:\n.*relation volume_x does not exist/s);
  });

  it('a seed command that adds fewer rows than the size asks: what it left and what it must do', async () => {
    const out = await measureVolumes(context, { ...volume, seed: command('test "$GAUNTLET_VOLUME_ROWS" = 10 && test -n "$DATABASE_URL"') }, 1, neverRun);
    expect(out.checks.find((c) => c.id === 'load:volume')).toMatchObject({ status: 'failed', message: 'at 1× the seeding left 0 rows in messages, not 10: the seed command must add rows until the tables hold GAUNTLET_VOLUME_ROWS' });
  });

  it('seeding through an operation the document does not have names it and the spelling to use', async () => {
    const gauntlet = inject('gauntlet');
    const withTarget = { ...context, target: { url: gauntlet.targetUrl } } as unknown as StageContext;
    const out = await measureVolumes(withTarget, { ...volume, seed: { operations: ['POST /conversation'], users: 1, concurrency: 1, timeoutMs: 10_000 } }, 1, neverRun);
    expect(out.checks.find((c) => c.id === 'load:volume')?.message).toBe('the volume could not grow: stages.load.volume.seed.operations names POST /conversation, which the OpenAPI document does not have: use "METHOD /path" as the document spells it');
  });
});
