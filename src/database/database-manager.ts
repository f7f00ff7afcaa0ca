import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { CommandSpec } from '../config/schema.ts';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { logger } from '../log/logger.ts';
import { runCommand } from '../process/managed-process.ts';

const log = logger('db');

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * The URL in the scheme the target's driver wants (`postgresql`, `postgresql+asyncpg`), from the
 * `postgres://` Gauntlet builds; unchanged without one (target.env.databaseUrl's `scheme`).
 */
export function withScheme(url: string, scheme: string | undefined): string {
  return scheme ? url.replace(/^[a-z][a-z0-9+.-]*:/, `${scheme}:`) : url;
}

/** The names target.env resolves to: the database URL's env var and the scheme its driver wants. */
export interface DatabaseUrlNames {
  databaseUrl: string;
  databaseScheme?: string | undefined;
}

/** The env var that hands a command or the target its database URL, in the scheme it wants. */
export function databaseUrlEnv(names: DatabaseUrlNames, url: string): Record<string, string> {
  return { [names.databaseUrl]: withScheme(url, names.databaseScheme) };
}

/**
 * Env values with the database's parts filled in, for targets that read them apart (gin's DB_HOST,
 * Django's DB_NAME): `{{db.host}}`, `{{db.port}}`, `{{db.user}}`, `{{db.password}}`, `{{db.name}}`
 * and `{{db.url}}`. A value without them is unchanged.
 */
export function withDatabaseParts(env: Record<string, string>, url: string): Record<string, string> {
  const u = new URL(url);
  const parts: Record<string, string> = { host: u.hostname, port: u.port || '5432', user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), name: decodeURIComponent(u.pathname.slice(1)), url };
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\{\{db\.(host|port|user|password|name|url)\}\}/g, (_, part: string) => parts[part] as string)]));
}

export interface CloneHandle {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Per-run databases on one Postgres server: `<db>_template` is migrated once, the target's own
 * database and every per-test database are cloned from it with CREATE DATABASE ... TEMPLATE
 * (STRATEGY FILE_COPY: a file copy, ~20 ms with fsync off, instead of replaying migrations).
 */
export type ResetStrategy = 'template' | 'migrate';

export class DatabaseManager {
  readonly templateName: string;
  private migration: { spec: CommandSpec | undefined; names: DatabaseUrlNames } | undefined;

  /**
   * `strategy`: 'template' migrates once and clones (fast); 'migrate' creates every database empty
   * and runs the migrate command against it (for migration tools that cannot run against a
   * template database, e.g. ones that record the database name).
   */
  constructor(
    readonly adminUrl: string,
    readonly database: string,
    readonly strategy: ResetStrategy = 'template',
  ) {
    this.templateName = `${database}_template`;
  }

  get templateUrl(): string {
    return databaseUrl(this.adminUrl, this.templateName);
  }

  get appUrl(): string {
    return databaseUrl(this.adminUrl, this.database);
  }

  /** Creates the template, runs the migrate command against it, then creates the app database from it. */
  async prepare(migrate: CommandSpec | undefined, names: DatabaseUrlNames): Promise<void> {
    this.migration = { spec: migrate, names };
    if (this.strategy === 'migrate') {
      await this.createMigrated(this.database);
      return;
    }
    await this.admin(async (client) => {
      await client.query(`drop database if exists ${ident(this.database)} with (force)`);
      await client.query(`drop database if exists ${ident(this.templateName)} with (force)`);
      await client.query(`create database ${ident(this.templateName)}`);
    });
    await this.migrate(this.templateUrl);
    await this.admin(async (client) => {
      await client.query(`alter database ${ident(this.templateName)} with is_template true allow_connections false`);
      await client.query(`create database ${ident(this.database)} template ${ident(this.templateName)} strategy file_copy`);
    });
  }

  /** A fresh migrated database: cloned from the template, or created and migrated ('migrate'). */
  async clone(prefix = 'test'): Promise<CloneHandle> {
    if (this.strategy === 'template') return cloneDatabase(this.adminUrl, this.templateName, prefix);
    const name = `${prefix}_${randomBytes(5).toString('hex')}`;
    await this.createMigrated(name);
    return { name, url: databaseUrl(this.adminUrl, name), drop: () => this.admin(async (client) => void (await client.query(`drop database if exists ${ident(name)} with (force)`))) };
  }

  private async createMigrated(name: string): Promise<void> {
    await this.admin(async (client) => {
      await client.query(`drop database if exists ${ident(name)} with (force)`);
      await client.query(`create database ${ident(name)}`);
    });
    await this.migrate(databaseUrl(this.adminUrl, name));
  }

  private async migrate(url: string): Promise<void> {
    if (!this.migration?.spec) return;
    const { spec: migrate, names } = this.migration;
    log('migrate %s: %o', redact(url), migrate.command);
    await runCommand({
      name: 'migrate',
      what: 'The migrate command',
      command: migrate.command,
      cwd: migrate.cwd,
      env: { ...process.env, ...withDatabaseParts(migrate.env, url), ...databaseUrlEnv(names, url) },
      timeoutMs: migrate.timeoutMs,
    });
  }

  /** Replaces the app database with a fresh copy of the template (the target must reconnect). */
  async resetApp(): Promise<void> {
    if (this.strategy === 'migrate') return this.createMigrated(this.database);
    await this.admin(async (client) => {
      await client.query(`drop database if exists ${ident(this.database)} with (force)`);
      await client.query(`create database ${ident(this.database)} template ${ident(this.templateName)} strategy file_copy`);
    });
  }

  private async admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    try {
      await client.connect();
      return await fn(client);
    } catch (cause) {
      if (cause instanceof GauntletError) throw cause;
      throw new GauntletError('GAUNTLET_ENV_START_FAILED', `Database administration on ${redact(this.adminUrl)} failed: ${(cause as Error).message}`, {
        cause,
        fix: 'The Postgres user needs the CREATEDB privilege; for external environments use a disposable server.',
      });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY: a file copy of the migrated template (~20 ms
 * with fsync off), so every test file gets a clean database without replaying migrations.
 */
export async function cloneDatabase(adminUrl: string, templateName: string, prefix = 'test'): Promise<CloneHandle> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query(sql);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  await admin(`create database ${ident(name)} template ${ident(templateName)} strategy file_copy`);
  return { name, url: databaseUrl(adminUrl, name), drop: () => admin(`drop database if exists ${ident(name)} with (force)`) };
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
