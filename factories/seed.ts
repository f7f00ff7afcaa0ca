import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { hashPassword } from '../examples/companion-api/src/lib/passwords.ts';
import type { E2eClient } from '../src/e2e/client.ts';
import type { Session } from '../src/http/session.ts';
import type { Factories, UserData } from './index.ts';

export interface SeededUser {
  user: UserData;
  id: string;
  conversationIds: string[];
}

/**
 * Seeds through the public API: each user registers and logs in through target.auth and starts
 * `conversations` conversations (stages.e2e.endpoints.createConversation). Slow but honest: the data
 * went through the same validation as a real user's.
 */
export async function seedThroughApi(client: E2eClient, factories: Factories, counts: { users: number; conversations?: number }): Promise<{ user: UserData; session: Session; conversationIds: string[] }[]> {
  const seeded: { user: UserData; session: Session; conversationIds: string[] }[] = [];
  for (const user of factories.users.many(counts.users)) {
    const session = await client.signUp({ email: user.email, password: user.password, name: user.displayName });
    const conversationIds: string[] = [];
    for (let i = 0; i < (counts.conversations ?? 0); i++) {
      const r = await client.call('createConversation', { session, body: factories.conversations.build() });
      if (r.status !== 201) throw new Error(`seeding: ${r.what} answered ${r.status}: ${r.text.slice(0, 200)}`);
      conversationIds.push(r.data.id);
    }
    seeded.push({ user, session, conversationIds });
  }
  return seeded;
}

/**
 * Seeds the example target's database directly (its schema: users, conversations, messages), for
 * volumes the API would take minutes to build. The users can log in: their passwords are hashed
 * the way the service hashes them. One transaction: all or nothing.
 */
export async function seedDirect(databaseUrl: string, factories: Factories, counts: { users: number; conversations?: number; messages?: number }): Promise<SeededUser[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const seeded: SeededUser[] = [];
  try {
    await client.query('begin');
    for (const user of factories.users.many(counts.users)) {
      const id = randomUUID();
      await client.query('insert into users (id, email, display_name, password_hash) values ($1, $2, $3, $4)', [id, user.email, user.displayName, await hashPassword(user.password)]);
      const conversationIds: string[] = [];
      for (let c = 0; c < (counts.conversations ?? 0); c++) {
        const conversationId = randomUUID();
        await client.query('insert into conversations (id, user_id, title) values ($1, $2, $3)', [conversationId, id, factories.conversations.build().title]);
        for (let m = 0; m < (counts.messages ?? 0); m++) {
          await client.query('insert into messages (conversation_id, role, content) values ($1, $2, $3)', [conversationId, m % 2 === 0 ? 'user' : 'assistant', factories.messages.build().content]);
        }
        conversationIds.push(conversationId);
      }
      seeded.push({ user, id, conversationIds });
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  return seeded;
}
