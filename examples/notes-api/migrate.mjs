// Applies migrations/*.sql in order, once each (a schema_migrations table remembers them).
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';

const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
try {
  await client.query('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  const { rows } = await client.query('select name from schema_migrations');
  const applied = new Set(rows.map((r) => r.name));
  for (const name of (await readdir(new URL('./migrations/', import.meta.url))).filter((f) => f.endsWith('.sql')).sort()) {
    if (applied.has(name)) continue;
    await client.query('begin');
    await client.query(await readFile(new URL(`./migrations/${name}`, import.meta.url), 'utf8'));
    await client.query('insert into schema_migrations (name) values ($1)', [name]);
    await client.query('commit');
    console.log(`notes-api: applied ${name}`);
  }
} finally {
  await client.end();
}
