import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DatabaseManager } from '../../src/database/database-manager.ts';
import { TINY } from '../helpers/cli.ts';
import { cleanDatabase, type CloneHandle } from '../../src/vitest/index.ts';
import { sql as query } from '../helpers/environment-checks.ts';

describe('cleanDatabase(): a migrated database per test file, by template clone', () => {
  let a: CloneHandle;
  let b: CloneHandle;
  beforeAll(async () => {
    [a, b] = await Promise.all([cleanDatabase(), cleanDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a.drop(), b.drop()]);
  });

  it('has the target migrations applied', async () => {
    const tables = await query<{ table_name: string }>(a.url, "select table_name from information_schema.tables where table_schema = 'public' order by 1");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['users', 'conversations', 'messages', 'goals', 'tasks', 'escalations', 'refresh_tokens', 'pgmigrations']));
  });

  it('isolates clones from each other', async () => {
    await query(a.url, "insert into users (email, display_name, password_hash) values ('iso@example.com', 'I', 'x')");
    expect(await query(a.url, 'select email from users')).toEqual([{ email: 'iso@example.com' }]);
    expect(await query(b.url, 'select email from users')).toEqual([]);
  });

  it('drops a clone completely', async () => {
    const c = await cleanDatabase();
    await c.drop();
    await expect(query(c.url, 'select 1')).rejects.toThrow(/does not exist/);
  });
});

describe("reset strategy 'migrate': every database created empty and migrated (no template)", () => {
  it('migrates the app database and each clone with the migrate command, and drops clones', async () => {
    const context = inject('gauntlet');
    const manager = new DatabaseManager(context.adminUrl as string, `mig_${Date.now().toString(36)}`, 'migrate');
    await manager.prepare({ command: ['node', 'migrate.mjs'], cwd: TINY, env: {}, timeoutMs: 30_000 }, { databaseUrl: 'DATABASE_URL' });
    expect(await query(manager.appUrl, 'select name from items')).toEqual([{ name: 'seed' }]);
    await expect(query(manager.templateUrl, 'select 1')).rejects.toThrow(/does not exist/); // no template in this mode
    const clone = await manager.clone('mig');
    try {
      expect(await query(clone.url, 'select name from items')).toEqual([{ name: 'seed' }]);
      await query(manager.appUrl, "insert into items (name) values ('only-in-app')");
      expect(await query(clone.url, 'select count(*)::int as n from items')).toEqual([{ n: 1 }]);
    } finally {
      await clone.drop();
    }
    await expect(query(clone.url, 'select 1')).rejects.toThrow(/does not exist/);
    await query(context.adminUrl as string, `drop database ${manager.database} with (force)`);
  });
});
