// notes-api: the second example target. Plain Node `http`, no framework, JavaScript: a different
// stack from companion-api, with another auth scheme ("Authorization: Token <jwt>"), response
// envelopes ({ "data": ... }, { "error": { code, message } }), Postgres through `pg` and Redis
// through `ioredis`. Gauntlet knows it only through examples/notes-api/gauntlet.config.ts.
//
// NOTES_FLAWS=no-ownership-check (with NOTES_ALLOW_FLAWS=1) removes the ownership check on a note;
// patch-ignores-false reads `pinned` with `||`, so a PATCH cannot unpin; patch-resets-pinned unpins a
// note whose PATCH does not mention `pinned` (README.md lists them).
import { createHash, randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { promisify } from 'node:util';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Redis } from 'ioredis';
import { jwtVerify, SignJWT } from 'jose';
import pg from 'pg';
import { hasNul, normaliseAccount, retryAfterSeconds, tokenFrom } from './lib/rules.mjs';

const scrypt = promisify(scryptCb);
const DEV_SECRET = 'notes-dev-secret';
const env = process.env;
const production = env.MODE === 'production';
const secret = env.SECRET ?? DEV_SECRET;
if (production && (secret === DEV_SECRET || secret.length < 32)) {
  console.error('notes-api: refusing to start in production: SECRET must be set to 32+ random characters (openssl rand -hex 32)');
  process.exit(78);
}
const flaws = new Set((env.NOTES_FLAWS ?? '').split(',').filter(Boolean));
if (flaws.size && (env.NOTES_ALLOW_FLAWS !== '1' || production)) {
  console.error('notes-api: refusing to start with NOTES_FLAWS unless NOTES_ALLOW_FLAWS=1 (and never in production)');
  process.exit(78);
}
for (const key of ['DATABASE_URL', 'REDIS_URL', 'PORT']) {
  if (!env[key]) {
    console.error(`notes-api: ${key} is not set`);
    process.exit(78);
  }
}

const key = new TextEncoder().encode(secret);
const ACCESS_TTL = Number(env.ACCESS_TTL_SECONDS ?? 600);
const LOGIN_LIMIT = Number(env.LOGIN_LIMIT ?? 3);
const LOGIN_WINDOW_MS = Number(env.LOGIN_WINDOW_SECONDS ?? 60) * 1000;
const BODY_LIMIT = 64 * 1024;
const admins = new Set((env.ADMIN_USERNAMES ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 });
pool.on('error', () => undefined);
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
redis.on('error', () => undefined);

// Request bodies are validated against this service's own OpenAPI document.
const openapi = JSON.parse(await readFile(new URL('./openapi.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openapi, 'openapi.json');
const bodySchema = (method, path) => openapi.paths[path][method].requestBody.content['application/json'].schema;
const validator = (method, path) => {
  const schema = bodySchema(method, path);
  return ajv.compile(schema.$ref ? { $ref: `openapi.json${schema.$ref}` } : schema);
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cache-control': 'no-store',
};

class Problem extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { ...SECURITY_HEADERS, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};
const data = (res, status, value, headers) => send(res, status, { data: value }, headers);

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => (size > BODY_LIMIT ? reject(new Problem(413, 'too_large', `the body is over ${BODY_LIMIT} bytes`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}


async function jsonBody(req, validate, { optional = false } = {}) {
  const text = await readBody(req);
  if (text === '' && optional) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (type !== 'application/json') throw new Problem(415, 'unsupported_media_type', 'send application/json');
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Problem(400, 'malformed_json', 'the body is not valid JSON');
  }
  if (hasNul(body)) throw new Problem(400, 'invalid', 'strings must not contain NUL characters');
  if (!validate(body)) throw new Problem(400, 'invalid', validate.errors.map((e) => `${e.instancePath || 'body'} ${e.message}`).join('; '));
  return body;
}

const hashPassword = async (pass) => {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${(await scrypt(pass, salt, 32)).toString('hex')}`;
};
const DUMMY = `${'0'.repeat(32)}:${'0'.repeat(64)}`;
const checkPassword = async (pass, stored) => {
  const [salt, hash] = stored.split(':');
  return timingSafeEqual(await scrypt(pass, Buffer.from(salt, 'hex'), 32), Buffer.from(hash, 'hex'));
};
const sha = (s) => createHash('sha256').update(s).digest('hex');
const toUser = (r) => ({ id: r.id, username: r.username, name: r.name, admin: r.admin });
const toNote = (r) => ({ id: r.id, text: r.text, pinned: r.pinned, createdAt: r.created_at.toISOString() });

async function session(user, family = randomUUID()) {
  // ims: when it was issued, in ms (a password change ends every token issued before it).
  const token = await new SignJWT({ typ: 'access', ims: Date.now() }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setJti(randomUUID()).setIssuedAt().setExpirationTime(`${ACCESS_TTL}s`).sign(key);
  const refresh = `r_${randomBytes(32).toString('base64url')}`;
  await pool.query("insert into refresh_tokens (token_hash, user_id, family, expires_at) values ($1, $2, $3, now() + interval '30 days')", [sha(refresh), user.id, family]);
  return { session: { token, refresh, expiresIn: ACCESS_TTL }, user: toUser(user) };
}

async function authenticate(req) {
  const token = tokenFrom(req.headers.authorization, 'Token');
  const refuse = () => new Problem(401, 'unauthenticated', 'send Authorization: Token <access token>', { 'www-authenticate': 'Token' });
  if (!token) throw refuse();
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(token, key, { algorithms: ['HS256'] }));
  } catch {
    throw refuse();
  }
  if (claims.typ !== 'access' || (await redis.exists(`deny:${claims.jti}`))) throw refuse();
  const changed = await redis.get(`pwd:${claims.sub}`);
  if (changed && !(Number(claims.ims) >= Number(changed))) throw refuse();
  const { rows } = await pool.query('select * from users where id = $1', [claims.sub]);
  if (!rows[0]) throw refuse();
  return { user: rows[0], claims };
}

/** Fixed window in Redis; Retry-After from the window's remaining milliseconds, rounded up. */
async function limitLogin(account) {
  const k = `login:${account}`;
  const [[, count], , [, pttl]] = await redis.multi().incr(k).pexpire(k, LOGIN_WINDOW_MS, 'NX').pttl(k).exec();
  if (count > LOGIN_LIMIT) throw new Problem(429, 'rate_limited', 'too many login attempts', { 'retry-after': String(retryAfterSeconds(pttl)) });
}

const validators = {
  signup: validator('post', '/signup'),
  login: validator('post', '/sessions'),
  refresh: validator('post', '/sessions/refresh'),
  logout: validator('post', '/sessions/end'),
  changePassword: validator('post', '/account/password'),
  createNote: validator('post', '/notes'),
  updateNote: validator('patch', '/notes/{noteId}'),
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An integer query parameter within [min, max], or its default when absent; anything else is a 400. */
function pageParameter(url, name, fallback, min, max) {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = /^-?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new Problem(400, 'invalid', `${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** The note, if the caller may see it (the ownership check the flaw removes). */
async function ownedNote(id, user) {
  if (!UUID.test(id)) throw new Problem(400, 'invalid', 'noteId must be a UUID');
  const { rows } = flaws.has('no-ownership-check') ? await pool.query('select * from notes where id = $1', [id]) : await pool.query('select * from notes where id = $1 and owner = $2', [id, user.id]);
  if (!rows[0]) throw new Problem(404, 'not_found', 'no such note');
  return rows[0];
}

async function route(req, res) {
  const url = new URL(req.url, 'http://notes');
  const path = url.pathname;
  const m = req.method;
  if (m === 'GET' && path === '/health') {
    const [db, cache] = await Promise.all([pool.query('select 1').then(() => true, () => false), redis.ping().then(() => true, () => false)]);
    return send(res, db && cache ? 200 : 503, { status: db && cache ? 'ok' : `down: ${db ? '' : 'database '}${cache ? '' : 'redis'}`.trim() });
  }
  if (m === 'GET' && path === '/openapi.json') return send(res, 200, openapi);
  if (m === 'POST' && path === '/signup') {
    const body = await jsonBody(req, validators.signup);
    const username = normaliseAccount(body.username);
    const { rows } = await pool.query('insert into users (username, name, pass_hash, admin) values ($1, $2, $3, $4) on conflict do nothing returning *', [username, body.name, await hashPassword(body.pass), admins.has(username)]);
    if (!rows[0]) throw new Problem(409, 'taken', 'this username is taken');
    return data(res, 201, toUser(rows[0]));
  }
  if (m === 'POST' && path === '/sessions') {
    const body = await jsonBody(req, validators.login);
    const account = normaliseAccount(body.username);
    await limitLogin(account);
    const { rows } = await pool.query('select * from users where lower(username) = $1', [account]);
    const ok = await checkPassword(body.pass, rows[0]?.pass_hash ?? DUMMY);
    if (!rows[0] || !ok) throw new Problem(401, 'invalid_credentials', 'wrong username or password');
    return data(res, 200, await session(rows[0]));
  }
  if (m === 'POST' && path === '/sessions/refresh') {
    const body = await jsonBody(req, validators.refresh);
    const { rows } = await pool.query('select * from refresh_tokens where token_hash = $1 and expires_at > now()', [sha(body.refresh)]);
    const entry = rows[0];
    if (!entry || entry.revoked) throw new Problem(401, 'invalid_refresh', 'invalid refresh token');
    if (entry.used) {
      await pool.query('update refresh_tokens set revoked = true where family = $1', [entry.family]);
      throw new Problem(401, 'invalid_refresh', 'refresh token reuse: the session was revoked');
    }
    await pool.query('update refresh_tokens set used = true where token_hash = $1', [entry.token_hash]);
    const user = (await pool.query('select * from users where id = $1', [entry.user_id])).rows[0];
    if (!user) throw new Problem(401, 'invalid_refresh', 'invalid refresh token');
    return data(res, 200, await session(user, entry.family));
  }

  const known = /^\/(sessions\/end|account(\/password)?|notes(\/[^/]+)?|admin\/stats)$/.test(path);
  if (!known) throw new Problem(404, 'not_found', `no route ${m} ${path}`);
  const { user, claims } = await authenticate(req);
  if (m === 'POST' && path === '/sessions/end') {
    const body = await jsonBody(req, validators.logout, { optional: true });
    await redis.set(`deny:${claims.jti}`, '1', 'EX', Math.max(1, claims.exp - Math.floor(Date.now() / 1000)));
    if (body?.refresh) await pool.query('update refresh_tokens set revoked = true where family = (select family from refresh_tokens where token_hash = $1 and user_id = $2)', [sha(body.refresh), user.id]);
    return send(res, 204);
  }
  if (path === '/account' && m === 'GET') return data(res, 200, toUser(user));
  if (path === '/account/password' && m === 'POST') {
    const body = await jsonBody(req, validators.changePassword);
    if (!(await checkPassword(body.current, user.pass_hash))) throw new Problem(403, 'wrong_password', 'the current password is wrong');
    await pool.query('update users set pass_hash = $2 where id = $1', [user.id, await hashPassword(body.next)]);
    // Every session before this one ends: refresh families revoked, access tokens older than now refused.
    await pool.query('update refresh_tokens set revoked = true where user_id = $1', [user.id]);
    await redis.set(`pwd:${user.id}`, String(Date.now()), 'EX', ACCESS_TTL + 60);
    return data(res, 200, await session(user));
  }
  if (path === '/account' && m === 'DELETE') {
    await pool.query('delete from users where id = $1', [user.id]);
    return send(res, 204);
  }
  if (path === '/notes' && m === 'GET') {
    const q = url.searchParams.get('q');
    if (q !== null && (q.length > 100 || q.includes('\u0000'))) throw new Problem(400, 'invalid', 'q must be at most 100 characters');
    const limit = pageParameter(url, 'limit', 50, 1, 100);
    const offset = pageParameter(url, 'offset', 0, flaws.has('negative-offset-500') ? -Infinity : 0, Infinity);
    const { rows } = await pool.query("select * from notes where owner = $1 and ($2::text is null or text ilike '%' || $2 || '%') order by created_at desc limit $3 offset $4", [user.id, q, limit, offset]);
    return data(res, 200, rows.map(toNote));
  }
  if (path === '/notes' && m === 'POST') {
    const body = await jsonBody(req, validators.createNote);
    const { rows } = await pool.query('insert into notes (owner, text, pinned) values ($1, $2, $3) returning *', [user.id, body.text, body.pinned ?? false]);
    return data(res, 201, toNote(rows[0]), { location: `/notes/${rows[0].id}` });
  }
  const noteMatch = /^\/notes\/([^/]+)$/.exec(path);
  if (noteMatch) {
    const id = decodeURIComponent(noteMatch[1]);
    if (m === 'GET') return data(res, 200, toNote(await ownedNote(id, user)));
    if (m === 'PATCH') {
      const note = await ownedNote(id, user);
      const body = await jsonBody(req, validators.updateNote);
      const pinned = flaws.has('patch-ignores-false') ? body.pinned || null : body.pinned ?? null;
      const keep = flaws.has('patch-resets-pinned') ? 'false' : 'pinned';
      const { rows } = await pool.query(`update notes set text = coalesce($2, text), pinned = coalesce($3, ${keep}) where id = $1 returning *`, [note.id, body.text ?? null, pinned]);
      return data(res, 200, toNote(rows[0]));
    }
    if (m === 'DELETE') {
      await pool.query('delete from notes where id = $1', [(await ownedNote(id, user)).id]);
      return send(res, 204);
    }
  }
  if (path === '/admin/stats' && m === 'GET') {
    if (!user.admin) throw new Problem(403, 'forbidden', 'admins only');
    const { rows } = await pool.query('select (select count(*) from users)::int as users, (select count(*) from notes)::int as notes');
    return data(res, 200, rows[0]);
  }
  throw new Problem(405, 'method_not_allowed', `${m} is not allowed on ${path}`);
}

const server = http.createServer((req, res) => {
  route(req, res).catch((error) => {
    if (error instanceof Problem) return send(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
    console.error(JSON.stringify({ level: 'error', method: req.method, url: req.url, message: error.message, stack: error.stack }));
    if (!res.headersSent) send(res, 500, { error: { code: 'internal', message: 'an unexpected error occurred' } });
  });
});

await new Promise((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', resolve)));
server.listen(Number(env.PORT), env.HOST ?? '127.0.0.1', () => console.log(JSON.stringify({ level: 'info', message: `notes-api listening on ${env.PORT}`, flaws: [...flaws] })));
const stop = () => server.close(() => Promise.allSettled([pool.end(), redis.quit()]).then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
