-- cookbook-api's schema; migrate.mjs applies it (every statement is idempotent).
create table if not exists users (
  id bigint generated always as identity primary key,
  username text not null,
  email text not null,
  pass_hash text not null,
  bio text not null default '',
  created_at timestamptz not null default now()
);
alter table users add column if not exists phone text;
create unique index if not exists users_username on users (lower(username));
create unique index if not exists users_email on users (email);
create table if not exists recipes (
  id bigint generated always as identity primary key,
  slug text not null unique,
  author_id bigint not null references users (id) on delete cascade,
  title text not null,
  summary text not null default '',
  steps text not null,
  minutes integer not null,
  tags text[] not null default '{}',
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp()
);
create index if not exists recipes_author on recipes (author_id, created_at desc);
create table if not exists reviews (
  id integer generated always as identity primary key,
  recipe_id bigint not null references recipes (id) on delete cascade,
  author_id bigint not null references users (id) on delete cascade,
  body text not null,
  rating integer not null check (rating between 1 and 5),
  created_at timestamptz not null default clock_timestamp()
);
create index if not exists reviews_recipe on reviews (recipe_id, id);
create table if not exists likes (
  user_id bigint not null references users (id) on delete cascade,
  recipe_id bigint not null references recipes (id) on delete cascade,
  primary key (recipe_id, user_id)
);
create table if not exists follows (
  follower_id bigint not null references users (id) on delete cascade,
  followee_id bigint not null references users (id) on delete cascade,
  primary key (follower_id, followee_id)
);
