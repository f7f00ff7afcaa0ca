import { SignJWT, UnsecuredJWT } from 'jose';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';
import { waitFor } from '../../src/wait/wait-for.ts';
import type { Api } from '../helpers/api.ts';

/** The JWT secret gauntlet.config.ts gives the example target (a test secret, as the security stage may use). */
const TEST_SECRET = new TextEncoder().encode('gauntlet-test-secret-0123456789abcdef0123');
const evilOrigin = 'https://evil.example';

export interface Probe {
  /** What the buggy behaviour is, as the test title says it. */
  shows: string;
  /** Env for both the flawed and the clean target (e.g. a dead upstream). */
  env?: Record<string, string>;
  /** Needs a clean target of its own (reads process-wide counters). */
  isolated?: boolean;
  /** Both targets run with their database unreachable (what a client sees while Postgres is down). */
  unreachableDatabase?: boolean;
  /** True when the flawed behaviour is observed; `databaseUrl` is the target's own database. */
  run(api: Api, databaseUrl: string): Promise<boolean>;
}

async function queriesCounted(api: Api): Promise<number> {
  const text = (await api.call('GET', '/metrics')).text;
  return Number(/^companion_db_queries_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** prom-client's process_resident_memory_bytes, from the service's own /metrics. */
async function residentMemory(api: Api): Promise<number> {
  const text = (await api.call('GET', '/metrics')).text;
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

async function loginsUntil429(api: Api, email: string, headers: (i: number) => Record<string, string>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await api.call('POST', '/auth/login', { body: { email, password: 'wrong-password-1' }, headers: headers(i) })).status);
  return statuses;
}

export const PROBES: Record<string, Probe> = {
  'sql-injection': {
    shows: "a search tautology returns another user's conversation",
    async run(api) {
      const a = await api.user();
      const b = await api.user();
      const mine = (await api.call('POST', '/conversations', { token: a.accessToken, body: { title: 'private diary' } })).json.id;
      const r = await api.call('GET', `/conversations?q=${encodeURIComponent("%' or '%'='")}`, { token: b.accessToken });
      return r.status === 200 && r.json.some((c: { id: string }) => c.id === mine);
    },
  },
  'broken-object-authorization': {
    shows: "user B reads user A's conversation",
    async run(api) {
      const a = await api.user();
      const b = await api.user();
      const id = (await api.call('POST', '/conversations', { token: a.accessToken, body: { title: 'mine' } })).json.id;
      return (await api.call('GET', `/conversations/${id}`, { token: b.accessToken })).status === 200;
    },
  },
  'jwt-expiry-not-enforced': {
    shows: 'a correctly signed token that expired an hour ago is accepted',
    async run(api) {
      const u = await api.user();
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ typ: 'access', role: 'user' }).setProtectedHeader({ alg: 'HS256' }).setSubject(u.id).setJti(crypto.randomUUID()).setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(TEST_SECRET);
      return (await api.call('GET', '/me', { token: expired })).status === 200;
    },
  },
  'jwt-alg-none': {
    shows: 'an unsigned `alg: none` token is accepted',
    async run(api) {
      const u = await api.user();
      const unsigned = new UnsecuredJWT({ typ: 'access', role: 'admin' }).setSubject(u.id).setJti(crypto.randomUUID()).setExpirationTime('1h').encode();
      return (await api.call('GET', '/me', { token: unsigned })).status === 200;
    },
  },
  'refresh-reuse-undetected': {
    shows: 'a rotated refresh token works a second time',
    async run(api) {
      const u = await api.user();
      await api.call('POST', '/auth/refresh', { body: { refreshToken: u.refreshToken } });
      return (await api.call('POST', '/auth/refresh', { body: { refreshToken: u.refreshToken } })).status === 200;
    },
  },
  'logout-does-not-revoke': {
    shows: 'the access token still works after logout',
    async run(api) {
      const u = await api.user();
      await api.call('POST', '/auth/logout', { token: u.accessToken });
      return (await api.call('GET', '/me', { token: u.accessToken })).status === 200;
    },
  },
  'no-login-rate-limit': {
    shows: 'the 6th failed login within a minute is not refused with 429',
    async run(api) {
      const u = await api.user();
      return !(await loginsUntil429(api, u.email, () => ({}))).includes(429);
    },
  },
  'spoofable-rate-limit-key': {
    shows: 'a new X-Forwarded-For on every attempt avoids the login limit',
    async run(api) {
      const u = await api.user();
      return !(await loginsUntil429(api, u.email, (i) => ({ 'x-forwarded-for': `203.0.113.${i + 1}` }))).includes(429);
    },
  },
  'mass-assignment-role': {
    shows: 'registering with "role": "admin" makes an admin',
    async run(api) {
      const r = await api.call('POST', '/auth/register', { body: { email: `mass.${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'Sneaky-admin-42', displayName: 'M', role: 'admin' } });
      return r.status === 201 && r.json.role === 'admin';
    },
  },
  'stack-trace-leak': {
    shows: 'an error body carries a stack trace',
    async run(api) {
      const r = await api.call('POST', '/auth/login', { body: { email: 'not-an-email', password: 'x' } });
      return r.status >= 400 && /\n\s+at .+:\d+:\d+/.test(JSON.stringify(r.json ?? {}).replaceAll('\\n', '\n'));
    },
  },
  'malformed-input-500': {
    shows: 'malformed JSON is answered 500',
    async run(api) {
      return (await api.call('POST', '/auth/login', { raw: '{"email": "a@example.com", ' })).status === 500;
    },
  },
  'crisis-detection-bypassed': {
    shows: 'a crisis message in mixed case is not escalated',
    async run(api) {
      const u = await api.user();
      const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'tonight' } })).json.id;
      const r = await api.call('POST', `/conversations/${id}/messages`, { token: u.accessToken, body: { content: 'I want to End My Life' } });
      return r.status === 201 && r.json.risk.level !== 'high' && r.json.escalationId === undefined;
    },
  },
  'upstream-failure-500': {
    shows: 'a chat message while the LLM is down gets a 500 instead of a degraded reply',
    env: { LLM_BASE_URL: 'http://127.0.0.1:9', LLM_RETRIES: '0' },
    async run(api) {
      const u = await api.user();
      const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'down' } })).json.id;
      return (await api.call('POST', `/conversations/${id}/messages`, { token: u.accessToken, body: { content: 'hello?' } })).status === 500;
    },
  },
  'llm-retry-storm': {
    shows: 'the circuit breaker never opens: after 7 failed goals the 503 still says Retry-After 5, not the cooldown',
    env: { LLM_BASE_URL: 'http://127.0.0.1:9', LLM_RETRIES: '0' },
    async run(api) {
      const u = await api.user();
      let last;
      for (let i = 0; i < 7; i++) last = await api.call('POST', '/goals', { token: u.accessToken, body: { title: `Goal number ${i}` } });
      if (last?.status !== 503) throw new Error(`expected a 503 while the LLM is down, got ${last?.status}`);
      return last.headers.get('retry-after') === '5';
    },
  },
  'form-body-unvalidated': {
    shows: 'a form without a title is not refused with 400 as the same JSON is',
    async run(api) {
      const u = await api.user();
      const r = await api.call('POST', '/conversations', { token: u.accessToken, headers: { 'content-type': 'application/x-www-form-urlencoded' }, raw: 'note=hi' });
      return r.status !== 400 && r.status !== 415;
    },
  },
  'message-index-dropped': {
    shows: 'messages has no index that serves opening a conversation (by conversation_id)',
    isolated: true,
    async run(api, databaseUrl) {
      if ((await api.call('GET', '/health')).status !== 200) throw new Error('the target is not healthy');
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>("select count(*)::int as n from pg_indexes where tablename = 'messages' and indexdef like '%(conversation_id%'");
        return rows[0]?.n === 0;
      } finally {
        await client.end();
      }
    },
  },
  'n-plus-one-list': {
    shows: 'listing 20 conversations costs 40 more queries',
    isolated: true,
    async run(api) {
      const u = await api.user();
      for (let i = 0; i < 20; i++) await api.call('POST', '/conversations', { token: u.accessToken, body: { title: `c${i}` } });
      const before = await queriesCounted(api);
      const r = await api.call('GET', '/conversations', { token: u.accessToken });
      const used = (await queriesCounted(api)) - before;
      if (r.status !== 200 || r.json.length !== 20) throw new Error(`list failed: ${r.status}`);
      return used > 20;
    },
  },
  'memory-leak-per-request': {
    shows: '40 requests keep about 40 MiB of resident memory',
    isolated: true,
    async run(api) {
      const before = await residentMemory(api);
      for (let i = 0; i < 40; i++) await api.call('GET', '/health');
      return (await residentMemory(api)) - before > 24 * 1024 * 1024;
    },
  },
  'crash-after-reply': {
    shows: 'a 200 from GET /progress, then the process dies (its health stops answering)',
    isolated: true,
    async run(api) {
      const u = await api.user();
      if ((await api.call('GET', '/progress', { token: u.accessToken })).status !== 200) throw new Error('progress failed');
      // Dead when the health endpoint stops answering at all, within two seconds of the reply.
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline) {
        const alive = await api.call('GET', '/health').then(
          () => true,
          () => false,
        );
        if (!alive) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    },
  },
  'driver-error-in-503': {
    shows: "the 503 sent while the database is down carries the driver's message and the database's address",
    unreachableDatabase: true,
    async run(api) {
      const r = await api.call('POST', '/auth/login', { body: { email: 'someone@example.test', password: 'Whatever-pw-1' } });
      if (r.status !== 503) throw new Error(`expected 503 while the database is down, got ${r.status}`);
      return /ECONNREFUSED|127\.0\.0\.1:9\b/.test(r.text);
    },
  },
  'redis-key-without-ttl': {
    shows: "a reply's moderation copy in Redis has no expiry",
    async run(api) {
      const u = await api.user();
      const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'ttl' } })).json.id;
      const exchange = (await api.call('POST', `/conversations/${id}/messages`, { token: u.accessToken, body: { content: 'hello' } })).json;
      const redis = new Redis(inject('gauntlet').redisUrl);
      try {
        // The copy is written without waiting for it: wait until it exists, then read its TTL.
        await waitFor({ what: `reply:${exchange.reply.id} in Redis`, check: async () => (await redis.exists(`reply:${exchange.reply.id}`)) === 1, timeoutMs: 5_000, intervalMs: 20 });
        return (await redis.ttl(`reply:${exchange.reply.id}`)) === -1;
      } finally {
        redis.disconnect();
      }
    },
  },
  'cors-wildcard-credentials': {
    shows: 'a disallowed origin is reflected with credentials allowed',
    async run(api) {
      const r = await api.call('OPTIONS', '/me', { headers: { origin: evilOrigin, 'access-control-request-method': 'GET' } });
      return r.headers.get('access-control-allow-origin') === evilOrigin && r.headers.get('access-control-allow-credentials') === 'true';
    },
  },
  'user-enumeration': {
    shows: 'login answers differ for an unknown account and a wrong password',
    async run(api) {
      const u = await api.user();
      const unknown = await api.call('POST', '/auth/login', { body: { email: `nobody.${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'whatever-1234' } });
      const wrong = await api.call('POST', '/auth/login', { body: { email: u.email, password: 'whatever-1234' } });
      return unknown.status !== wrong.status || unknown.text !== wrong.text;
    },
  },
  'security-headers-missing': {
    shows: 'responses carry no nosniff / frame-options / CSP headers',
    async run(api) {
      const r = await api.call('GET', '/health');
      return !r.headers.get('x-content-type-options') && !r.headers.get('content-security-policy');
    },
  },
  'deleted-user-token-accepted': {
    shows: "a deleted user's token keeps working",
    async run(api) {
      const u = await api.user();
      await api.call('DELETE', '/me', { token: u.accessToken });
      return (await api.call('GET', '/conversations', { token: u.accessToken })).status === 200;
    },
  },
  'password-change-keeps-sessions': {
    shows: 'a token issued before a password change keeps working',
    async run(api) {
      const u = await api.user();
      const changed = await api.call('POST', '/me/password', { token: u.accessToken, body: { currentPassword: u.password, newPassword: `${u.password}-new9` } });
      if (changed.status !== 200) throw new Error(`password change failed: ${changed.status} ${changed.text}`);
      return (await api.call('GET', '/me', { token: u.accessToken })).status === 200;
    },
  },
  'password-truncated-72': {
    shows: 'the first 72 bytes of a longer password, followed by anything, log in',
    async run(api) {
      const first72 = `Pw7-${'a'.repeat(68)}`;
      const u = await api.user({ password: `${first72}-one` });
      return (await api.call('POST', '/auth/login', { body: { email: u.email, password: `${first72}-two` } })).status === 200;
    },
  },
  'weak-password-accepted': {
    shows: 'sign-up accepts "1234567890", which has no letter',
    async run(api) {
      const r = await api.call('POST', '/auth/register', { body: { email: `weak.${Date.now()}${Math.random().toString(36).slice(2)}@example.com`, password: '1234567890', displayName: 'Weak' } });
      return r.status === 201;
    },
  },
  'search-term-ignored': {
    shows: 'the conversation search answers conversations without the term',
    async run(api) {
      const u = await api.user();
      for (const title of ['Morning walk', 'Evening journal']) await api.call('POST', '/conversations', { token: u.accessToken, body: { title } });
      const r = await api.call('GET', '/conversations?q=journal', { token: u.accessToken });
      return (r.json as { title: string }[]).some((c) => !c.title.includes('journal'));
    },
  },
  'me-exposes-password-hash': {
    shows: "GET /me carries the user's password hash",
    async run(api) {
      const u = await api.user();
      return 'passwordHash' in (await api.call('GET', '/me', { token: u.accessToken })).json;
    },
  },
  'conversation-title-cut': {
    shows: 'a conversation reads back with its title cut short',
    async run(api) {
      const u = await api.user();
      const created = await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'A rather long conversation title' } });
      return (await api.call('GET', `/conversations/${created.json.id}`, { token: u.accessToken })).json.title !== 'A rather long conversation title';
    },
  },
  'deleted-conversation-cached': {
    shows: 'a deleted conversation is still served',
    async run(api) {
      const u = await api.user();
      const created = await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'To be deleted' } });
      await api.call('GET', `/conversations/${created.json.id}`, { token: u.accessToken });
      await api.call('DELETE', `/conversations/${created.json.id}`, { token: u.accessToken });
      return (await api.call('GET', `/conversations/${created.json.id}`, { token: u.accessToken })).status === 200;
    },
  },
  'completion-counted-again': {
    shows: 'completing a task twice counts it twice',
    async run(api) {
      const u = await api.user();
      const goal = await api.call('POST', '/goals', { token: u.accessToken, body: { title: 'Read twelve books' } });
      const task = goal.json.tasks[0].id as string;
      for (let i = 0; i < 2; i++) await api.call('POST', `/goals/${goal.json.id}/tasks/${task}/complete`, { token: u.accessToken });
      return (await api.call('GET', `/goals/${goal.json.id}`, { token: u.accessToken })).json.tasksDone === 2;
    },
  },
  'access-token-as-refresh': {
    shows: '/auth/refresh accepts an access token',
    async run(api) {
      const u = await api.user();
      return (await api.call('POST', '/auth/refresh', { body: { refreshToken: u.accessToken } })).status === 200;
    },
  },
  'unvalidated-path-id-500': {
    shows: 'GET /conversations/{id} with an id that is not a uuid answers 500',
    async run(api) {
      const u = await api.user();
      return (await api.call('GET', '/conversations/not-a-uuid', { token: u.accessToken })).status === 500;
    },
  },
  'long-title-500': {
    shows: 'a goal title of 256 characters answers 500 (the varchar(255) index)',
    async run(api) {
      const u = await api.user();
      return (await api.call('POST', '/goals', { token: u.accessToken, body: { title: 'x'.repeat(256) } })).status === 500;
    },
  },
  'null-task-count-500': {
    shows: 'options.taskCount null (which the document allows) answers 500',
    async run(api) {
      const u = await api.user();
      return (await api.call('POST', '/goals', { token: u.accessToken, body: { title: 'Read more', options: { taskCount: null } } })).status === 500;
    },
  },
  'list-poisoned-by-write': {
    shows: 'after a goal titled with a character outside Latin-1, GET /goals answers 500',
    async run(api) {
      const u = await api.user();
      if ((await api.call('GET', '/goals', { token: u.accessToken })).status !== 200) throw new Error('the list failed before the write');
      if ((await api.call('POST', '/goals', { token: u.accessToken, body: { title: 'Learn \u202e Hebrew' } })).status !== 201) throw new Error('the write failed');
      return (await api.call('GET', '/goals', { token: u.accessToken })).status === 500;
    },
  },
  'completion-counted-twice': {
    shows: "8 requests at once to mark one task done count it more than once on the goal's tasksDone",
    async run(api) {
      const u = await api.user();
      // A race shows when the requests overlap in the flaw's window: on a loaded machine they may not
      // on the first goal, so up to three goals are tried (the clean service never counts twice).
      for (let attempt = 0; attempt < 3; attempt++) {
        const goal = (await api.call('POST', '/goals', { token: u.accessToken, body: { title: `Learn to juggle ${attempt}` } })).json;
        const path = `/goals/${goal.id}/tasks/${goal.tasks[0].id}/complete`;
        await Promise.all(Array.from({ length: 8 }, () => api.call('POST', path, { token: u.accessToken })));
        if ((await api.call('GET', `/goals/${goal.id}`, { token: u.accessToken })).json.tasksDone > 1) return true;
      }
      return false;
    },
  },
  'logout-revocation-lapses': {
    shows: 'a logged-out access token works again once its one-second denylist entry lapses',
    async run(api) {
      const u = await api.user();
      await api.call('POST', '/auth/logout', { token: u.accessToken });
      // The entry's lapse is the wait condition: poll until the token works again (or the deadline says it never does).
      const worksAgain = async () => (await api.call('GET', '/me', { token: u.accessToken })).status === 200;
      return waitFor({ what: 'the logged-out token to work again', check: worksAgain, timeoutMs: 4_000, intervalMs: 250 }).then(() => true, () => false);
    },
  },
  'search-ignores-ownership': {
    shows: "a search finds another user's conversations",
    async run(api) {
      const [a, b] = [await api.user(), await api.user()];
      const term = `needle${crypto.randomUUID().slice(0, 8)}`;
      await api.call('POST', '/conversations', { token: a.accessToken, body: { title: `about ${term}` } });
      return (await api.call('GET', `/conversations?q=${term}`, { token: b.accessToken })).json.length > 0;
    },
  },
  'cors-prefix-allowlist': {
    shows: 'an origin that only starts with an allowed one is reflected',
    env: { CORS_ORIGINS: 'https://app.example.com' },
    async run(api) {
      const origin = 'https://app.example.com.evil.example';
      const r = await api.call('OPTIONS', '/me', { headers: { origin, 'access-control-request-method': 'GET' } });
      return r.headers.get('access-control-allow-origin') === origin;
    },
  },
  'delete-without-deleting': {
    shows: "deleting another user's conversation answers 204, and it is still there",
    async run(api) {
      const [a, b] = [await api.user(), await api.user()];
      const c = await api.call('POST', '/conversations', { token: a.accessToken, body: { title: 'mine' } });
      const r = await api.call('DELETE', `/conversations/${c.json.id}`, { token: b.accessToken });
      return r.status === 204 && (await api.call('GET', `/conversations/${c.json.id}`, { token: a.accessToken })).status === 200;
    },
  },
  'admin-account-lookup-open': {
    shows: 'a normal user reads an account through the admin-only lookup',
    async run(api) {
      const u = await api.user();
      return (await api.call('GET', `/admin/accounts/${u.id}`, { token: u.accessToken })).status === 200;
    },
  },
};
