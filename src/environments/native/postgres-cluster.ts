import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import { logger } from '../../log/logger.ts';
import { scratchDir } from '../../process/scratch-dir.ts';
import { debianPostgresDirs, POSTGRES_INSTALL_HINT, requireBinary, systemUser, versionOf } from './binaries.ts';
import { ledger } from '../../reaper/ledger.ts';

const exec = promisify(execFile);
const log = logger('env');

export interface ClusterBinaries {
  postgres: string;
  initdb: string;
  version: string;
  /** Set when we are root: Postgres refuses to run as root, so it runs as this user. */
  runAs: { uid: number; gid: number } | undefined;
  /** Whether the pg_stat_statements module is installed beside the server (preloaded only then: a missing one stops Postgres from starting). */
  statStatements: boolean;
}

/** pg_stat_statements.so in the server's library directory (Debian: ../lib; Homebrew and source builds: ../lib/postgresql). */
async function hasStatStatements(postgres: string): Promise<boolean> {
  const root = path.dirname(path.dirname(await realpath(postgres).catch(() => postgres)));
  for (const dir of [path.join(root, 'lib'), path.join(root, 'lib', 'postgresql')]) {
    if (await exists(path.join(dir, 'pg_stat_statements.so')) || await exists(path.join(dir, 'pg_stat_statements.dylib'))) return true;
  }
  return false;
}

export async function resolvePostgresBinaries(binDir: string | undefined): Promise<ClusterBinaries> {
  const options = { dir: binDir, extra: debianPostgresDirs() };
  const postgres = requireBinary('postgres', POSTGRES_INSTALL_HINT, options);
  const initdb = requireBinary('initdb', POSTGRES_INSTALL_HINT, options);
  const version = await versionOf(postgres);
  let runAs: ClusterBinaries['runAs'];
  if (process.getuid?.() === 0) {
    runAs = systemUser('postgres') ?? systemUser('nobody');
    if (!runAs) {
      throw new GauntletError('GAUNTLET_BINARY_MISSING', 'Running as root, and there is no `postgres` or `nobody` user to run Postgres as (it refuses root).', {
        fix: 'Create a system user `postgres` (useradd --system postgres) or run Gauntlet as a normal user.',
      });
    }
  }
  return { postgres, initdb, version, runAs, statStatements: await hasStatStatements(postgres) };
}

/**
 * A pristine, initdb'd cluster kept per Postgres version and user in the scratch dir. initdb takes
 * ~1.8 s here while copying its output takes ~0.2 s, so each run copies this instead of running
 * initdb: every run still gets a fresh cluster of its own. Built once, atomically (rename), so
 * parallel runs never see a half-written cache.
 */
export async function pristineCluster(bins: ClusterBinaries, user: string): Promise<string> {
  const key = `${bins.version.replace(/[^0-9.]/g, '')}-${bins.runAs?.uid ?? process.getuid?.() ?? 'u'}-${user}`;
  const root = path.join(scratchDir(), 'gauntlet-pg-cache');
  const cached = path.join(root, key);
  if (await exists(path.join(cached, 'PG_VERSION'))) return cached;

  await mkdir(root, { recursive: true, mode: 0o755 });
  const building = await mkdtemp(path.join(root, `${key}.building-`));
  ledger.addDir(building);
  await ownFor(bins, building);
  const data = path.join(building, 'data');
  log('initdb into %s (once per Postgres version)', data);
  try {
    await exec(bins.initdb, ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], {
      uid: bins.runAs?.uid,
      gid: bins.runAs?.gid,
    });
    await rename(data, cached).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error; // another run won the race
    });
  } catch (cause) {
    throw new GauntletError('GAUNTLET_ENV_START_FAILED', `initdb failed: ${(cause as { stderr?: string }).stderr?.trim() || (cause as Error).message}`, {
      cause,
      fix: `Check that ${bins.initdb} works (run it with -D /tmp/x) and that ${scratchDir()} is writable (or set GAUNTLET_TMPDIR).`,
    });
  } finally {
    await rm(building, { recursive: true, force: true });
    ledger.removeDir(building);
  }
  return cached;
}

/** A fresh cluster for one run: a copy of the pristine one in a new temp dir owned by the Postgres user. */
export async function freshCluster(bins: ClusterBinaries, pristine: string): Promise<{ dir: string; data: string }> {
  const dir = await mkdtemp(path.join(scratchDir(), 'gauntlet-pg-'));
  ledger.addDir(dir);
  await ownFor(bins, dir);
  const data = path.join(dir, 'data');
  await exec('cp', ['-a', pristine, data]);
  return { dir, data };
}

async function ownFor(bins: ClusterBinaries, dir: string): Promise<void> {
  if (bins.runAs) await chown(dir, bins.runAs.uid, bins.runAs.gid);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
