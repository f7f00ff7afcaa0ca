import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
