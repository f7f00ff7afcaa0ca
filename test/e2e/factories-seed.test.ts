import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { verifyPassword } from '../../examples/companion-api/src/lib/passwords.ts';
import { createFactories } from '../../factories/index.ts';
import { seedDirect, seedThroughApi } from '../../factories/seed.ts';
import { loadConfig } from '../../src/config/load.ts';
import { E2eClient } from '../../src/e2e/index.ts';
import { cleanDatabase } from '../../src/vitest/index.ts';
import { ROOT } from '../helpers/cli.ts';

describe('seeding with the factories', () => {
  it('directly: users who can log in (the service hashes their passwords the same way), their conversations and messages, in one transaction', async () => {
    const db = await cleanDatabase();
    try {
      const seeded = await seedDirect(db.url, createFactories(31), { users: 3, conversations: 2, messages: 4 });
      expect(seeded.map((s) => s.user)).toEqual(createFactories(31).users.many(3));
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const counts = await client.query<{ users: number; conversations: number; messages: number }>(
          'select (select count(*)::int from users) users, (select count(*)::int from conversations) conversations, (select count(*)::int from messages) messages',
        );
        expect(counts.rows[0]).toEqual({ users: 3, conversations: 6, messages: 24 });
        const { rows } = await client.query<{ password_hash: string }>('select password_hash from users where email = $1', [seeded[0]?.user.email]);
        expect(await verifyPassword(seeded[0]?.user.password as string, rows[0]?.password_hash as string)).toBe(true);
      } finally {
        await client.end();
      }
      // All or nothing: the same users again violate the unique email, and nothing more is written.
      await expect(seedDirect(db.url, createFactories(31), { users: 3 })).rejects.toThrow(/users_email_key/);
    } finally {
      await db.drop();
    }
  });

  it('through the API: registered, logged in, with conversations the owner can read', async () => {
    const { config } = await loadConfig(path.join(ROOT, 'gauntlet.config.ts'));
    const client = new E2eClient(config, inject('gauntlet').targetUrl as string);
    const seeded = await seedThroughApi(client, createFactories(4242), { users: 2, conversations: 2 });
    expect(seeded).toHaveLength(2);
    for (const s of seeded) {
      expect(s.conversationIds).toHaveLength(2);
      const r = await client.call('getConversation', { session: s.session, params: { id: s.conversationIds[0] as string } });
      expect(r.status).toBe(200);
    }
  });
});
