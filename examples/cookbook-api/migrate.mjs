// Applies schema.sql in one transaction: its statements are idempotent, so running it twice is safe.
import { readFile } from 'node:fs/promises';
import pg from 'pg';

const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
try {
  await client.query('begin');
  await client.query(await readFile(new URL('./schema.sql', import.meta.url), 'utf8'));
  await client.query('commit');
  console.log('cookbook-api: schema applied');
} finally {
  await client.end();
}
