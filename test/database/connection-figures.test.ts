import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresStats } from '../../src/server-stats/postgres-stats.ts';
import { cleanDatabase, type CloneHandle } from '../../src/vitest/index.ts';

/**
 * What the load stage reports of the target's pool (server samples, the volume table): its
 * connections to the database, and of those how many run a statement, sit idle inside a transaction
 * (held by the client while the database waits) and wait on a lock. Read from a real Postgres.
 */
describe("the target database's connections, as pg_stat_activity tells them", () => {
  let clone: CloneHandle;
  const clients: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ connectionString: clone.url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    clone = await cleanDatabase();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await clone.drop();
  });

  it('counts connections idle in a transaction and waiting on a lock, of that database only', async () => {
    const probe = await PostgresStats.open(inject('gauntlet').adminUrl as string, new URL(clone.url).pathname.slice(1));
    if (!probe.available) throw new Error(probe.reason);
    const stats = probe.stats;
    try {
      expect(await stats.connections()).toEqual({ total: 0, active: 0, idleInTransaction: 0, waitingOnLock: 0 });
      await connect(); // connected, between statements: a free connection of a pool
      const holder = await connect();
      await holder.query('begin');
      await holder.query('lock table users in access exclusive mode'); // then idle in its transaction, holding the lock
      const waiter = await connect();
      const waiting = waiter.query('select count(*) from users'); // blocks on the lock until holder ends
      await expect.poll(async () => (await stats.connections()).waitingOnLock, { timeout: 10_000 }).toBe(1);
      expect(await stats.connections()).toEqual({ total: 3, active: 1, idleInTransaction: 1, waitingOnLock: 1 });
      await holder.query('commit');
      await waiting;
      expect(await stats.connections()).toEqual({ total: 3, active: 0, idleInTransaction: 0, waitingOnLock: 0 });
    } finally {
      await stats.close();
    }
  });
});
