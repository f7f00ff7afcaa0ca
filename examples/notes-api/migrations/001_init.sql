create table if not exists users (
  id uuid primary key default gen_random_uuid(),
  username text not null,
  name text not null,
  pass_hash text not null,
  admin boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index if not exists users_username on users (lower(username));
create table if not exists notes (
  id uuid primary key default gen_random_uuid(),
  owner uuid not null references users (id) on delete cascade,
  text text not null,
  pinned boolean not null default false,
  created_at timestamptz not null default clock_timestamp()
);
create index if not exists notes_owner on notes (owner, created_at desc);
create table if not exists refresh_tokens (
  token_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  family uuid not null,
  used boolean not null default false,
  revoked boolean not null default false,
  expires_at timestamptz not null
);
