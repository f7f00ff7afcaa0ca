-- Up Migration
-- The session generation of each user: access tokens carry it, and a password change moves it on, so
-- every token issued before the change is refused (POST /me/password).
alter table users add column token_version integer not null default 0;

-- Down Migration
alter table users drop column token_version;
