/**
 * The volume profile's seed command for companion-api (stages.load.volume.seed in gauntlet.config.ts):
 * adds messages until the table holds GAUNTLET_VOLUME_ROWS rows, in conversations of a few seeded
 * users. Set-based SQL (generate_series) in chunks of 20,000 rows, each committed, so the progress
 * bar moves and a stopped run keeps what it wrote; the contents come from the seeded factories, so
 * the same seed writes the same data. Run by Gauntlet with DATABASE_URL and GAUNTLET_VOLUME_ROWS;
 * by hand: DATABASE_URL=… GAUNTLET_VOLUME_ROWS=100000 node --import tsx factories/volume.ts
 */
import pg from 'pg';
import { createFactories } from './index.ts';

const CHUNK = 20_000;
const USERS = 100;
const CONVERSATIONS_PER_USER = 20;

export async function growMessages(databaseUrl: string, rows: number, seed: number): Promise<number> {
  const factories = createFactories(seed);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The volume's own users (no password that logs in) and their conversations, made once.
    const { rows: existing } = await client.query<{ id: string }>("select c.id from conversations c join users u on u.id = c.user_id where u.email like 'volume-%@gauntlet.invalid' order by c.id");
    let conversations = existing.map((r) => r.id);
    if (conversations.length === 0) {
      const users = factories.users.many(USERS);
      const { rows: made } = await client.query<{ id: string }>(
        `with u as (insert into users (email, display_name, password_hash) select 'volume-' || i || '@gauntlet.invalid', name, '!' from unnest($1::text[]) with ordinality as t(name, i) returning id)
         insert into conversations (user_id, title) select u.id, $2 || ' ' || n from u, generate_series(1, $3::int) n returning id`,
        [users.map((u) => u.displayName), factories.conversations.build().title, CONVERSATIONS_PER_USER],
      );
      conversations = made.map((r) => r.id);
    }
    const contents = Array.from({ length: 64 }, () => factories.messages.build().content);
    let count = Number((await client.query<{ n: string }>('select count(*) as n from messages')).rows[0]?.n ?? 0);
    while (count < rows) {
      const add = Math.min(CHUNK, rows - count);
      await client.query(
        `insert into messages (conversation_id, role, content, created_at)
         select ($1::uuid[])[1 + (g % cardinality($1::uuid[]))], case when g % 2 = 0 then 'user' else 'assistant' end,
                ($2::text[])[1 + (g % cardinality($2::text[]))], now() - make_interval(secs => g)
           from generate_series($3::bigint, $3::bigint + $4::bigint - 1) g`,
        [conversations, contents, count, add],
      );
      count += add;
    }
    return count;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  const rows = Number(process.env.GAUNTLET_VOLUME_ROWS);
  if (!url || !Number.isInteger(rows) || rows < 0) {
    process.stderr.write('factories/volume.ts needs DATABASE_URL and GAUNTLET_VOLUME_ROWS (a whole number): Gauntlet sets both when it runs stages.load.volume.seed\n');
    process.exit(2);
  }
  const total = await growMessages(url, rows, Number(process.env.GAUNTLET_VOLUME_SEED ?? 1));
  process.stdout.write(`messages: ${total}\n`);
}
