import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { GauntletError } from '../../errors/gauntlet-error.ts';

const exec = promisify(execFile);

/** Finds an executable: in `dir` when given, else on PATH, else in the `extra` directories. */
export function findBinary(name: string, options: { dir?: string; extra?: string[] } = {}): string | undefined {
  const dirs = options.dir ? [options.dir] : [...(process.env.PATH ?? '').split(path.delimiter), ...(options.extra ?? [])];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Debian/Ubuntu keep Postgres server binaries in /usr/lib/postgresql/<major>/bin, newest first. */
export function debianPostgresDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => path.join(root, major, 'bin'));
}

export const POSTGRES_INSTALL_HINT =
  'Install the Postgres server (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16), ' +
  'or set environment.postgres.binDir in gauntlet.config.ts, or use --env testcontainers with a Docker engine.';
export const REDIS_INSTALL_HINT =
  'Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), ' +
  'or set environment.redis.binary in gauntlet.config.ts, or use --env testcontainers with a Docker engine.';

export function requireBinary(name: string, hint: string, options: { dir?: string; extra?: string[] } = {}): string {
  const found = findBinary(name, options);
  if (found) return found;
  const where = options.dir ? options.dir : `PATH${options.extra?.length ? ` and ${options.extra.join(', ')}` : ''}`;
  throw new GauntletError('GAUNTLET_BINARY_MISSING', `${name} was not found (looked in ${where}).`, { fix: hint });
}

export async function versionOf(binary: string): Promise<string> {
  const { stdout } = await exec(binary, ['--version']);
  return stdout.trim();
}

/** uid/gid of a system user, read from /etc/passwd (Node has no getpwnam). */
export function systemUser(name: string): { uid: number; gid: number } | undefined {
  if (!existsSync('/etc/passwd')) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
