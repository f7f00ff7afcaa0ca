// cookbook-api: the third example target, in the style of many public APIs and unlike companion-api:
// everything under a base path (/api), bodies wrapped in one key ({"recipe": {...}}), recipes
// addressed by slug and cooks by username, reviews with numeric ids under their recipe,
// "Authorization: Token <jwt>", social actions (like, follow, review) on other cooks' things, and an
// OpenAPI document without `links`. Postgres through `pg`, Redis (revoked tokens) through `ioredis`.
// Gauntlet knows it only through examples/cookbook-api/gauntlet.config.ts.
//
// COOKBOOK_FLAWS=<names> (with COOKBOOK_ALLOW_FLAWS=1) switches on the seeded flaws of FLAWS below.
import { randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { promisify } from 'node:util';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Redis } from 'ioredis';
import { jwtVerify, SignJWT } from 'jose';
import pg from 'pg';
import { openapi } from './openapi.mjs';

/** The seeded flaws: each one realistic mistake, proven caught by test/examples/cookbook-api.test.ts. */
const FLAWS = {
  'recipe-update-any-owner': 'PUT /recipes/{slug} forgets the owner check: any cook edits (and renames) anyone\'s recipe',
  'review-delete-any-author': 'DELETE /recipes/{slug}/reviews/{id} forgets the author check: any cook deletes anyone\'s review',
  'anonymous-delete-500': 'DELETE /recipes/{slug} looks the recipe up before authenticating and reads the missing user: a 500 without a token',
  'cook-recipe-count-500': "GET /cooks/{username} counts an existing cook's recipes by username in a bigint column: a 500, only for cooks that exist",
  'author-shows-phone': "a recipe's author is the whole cook row, so every reader of a recipe gets its author's private phone number",
  'email-taken-check-case': "PUT /user checks whether the email is taken as sent but stores it lower-cased: another cook's email in upper case passes the check and the unique index answers 500",
};

const env = process.env;
const flaws = new Set((env.COOKBOOK_FLAWS ?? '').split(',').filter(Boolean));
const fail = (message) => {
  console.error(`cookbook-api: ${message}`);
  process.exit(78);
};
for (const name of flaws) if (!(name in FLAWS)) fail(`unknown flaw "${name}"; known: ${Object.keys(FLAWS).join(', ')}`);
if (flaws.size && env.COOKBOOK_ALLOW_FLAWS !== '1') fail('refusing to start with COOKBOOK_FLAWS unless COOKBOOK_ALLOW_FLAWS=1');
for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT']) if (!env[name]) fail(`${name} is not set`);
const secret = env.JWT_SECRET ?? randomBytes(32).toString('hex');
if (secret.length < 32) fail('JWT_SECRET must be 32+ characters (openssl rand -hex 32)');

const key = new TextEncoder().encode(secret);
const TOKEN_TTL = Number(env.TOKEN_TTL_SECONDS ?? 900);
const BODY_LIMIT = 1_048_576;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 });
pool.on('error', () => undefined);
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
redis.on('error', () => undefined);
const scrypt = promisify(scryptCb);

// Bodies are validated against this service's own document.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openapi, 'openapi');
const validate = Object.fromEntries(['NewUser', 'Login', 'UpdateUser', 'NewRecipe', 'UpdateRecipe', 'NewReview'].map((name) => [name, ajv.compile({ $ref: `openapi#/components/schemas/${name}` })]));

const HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000',
  'cache-control': 'no-store',
};

/** An answer other than 2xx: status and a `{ "detail": … }` body. */
class Refusal extends Error {
  constructor(status, detail, headers = {}) {
    super(detail);
    this.status = status;
    this.headers = headers;
  }
}

function reply(res, status, value, headers = {}) {
  res.writeHead(status, { ...HEADERS, ...(value === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers });
  res.end(value === undefined ? undefined : JSON.stringify(value));
}

const hasNul = (value) => (typeof value === 'string' ? value.includes('\u0000') : value && typeof value === 'object' ? Object.values(value).some(hasNul) : false);

async function readJson(req, schema) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new Refusal(413, `the body is over ${BODY_LIMIT} bytes`);
    chunks.push(chunk);
  }
  if ((req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() !== 'application/json') throw new Refusal(415, 'send Content-Type: application/json');
  let value;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Refusal(400, 'the body is not valid JSON');
  }
  if (hasNul(value)) throw new Refusal(400, 'text must not contain NUL characters');
  if (!validate[schema](value)) throw new Refusal(400, validate[schema].errors.map((e) => `${e.instancePath || 'body'} ${e.message}`).join('; '));
  return value;
}

/** A path or query text: decoded, without NUL, within its length. */
function textParam(raw, name, max) {
  let value;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new Refusal(400, `${name} is not valid percent-encoding`);
  }
  if (value.length === 0 || value.length > max || value.includes('\u0000')) throw new Refusal(400, `${name} must be 1 to ${max} characters without NUL`);
  return value;
}

function intParam(raw, name, min, max, fallback) {
  if (raw === null || raw === undefined) return fallback;
  const value = /^-?\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new Refusal(400, `${name} must be an integer from ${min} to ${max}`);
  return value;
}

const hash = async (password) => {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${(await scrypt(password, salt, 32)).toString('hex')}`;
};
const DUMMY_HASH = `${'0'.repeat(32)}:${'0'.repeat(64)}`;
const passwordMatches = async (password, stored) => {
  const [salt, digest] = stored.split(':');
  return timingSafeEqual(await scrypt(password, Buffer.from(salt, 'hex'), 32), Buffer.from(digest, 'hex'));
};

// A token names the email it was issued for: changing the email ends every session (as many APIs do).
const issue = (user) => new SignJWT({ email: user.email }).setProtectedHeader({ alg: 'HS256' }).setSubject(String(user.id)).setJti(randomUUID()).setIssuedAt().setExpirationTime(`${TOKEN_TTL}s`).sign(key);
const userJson = (row, token) => ({ user: { username: row.username, email: row.email, bio: row.bio, phone: row.phone ?? null, ...(token ? { token } : {}) } });

/** The caller from "Authorization: Token <jwt>", or undefined without one; a bad token is a 401. */
async function caller(req) {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const refuse = () => new Refusal(401, 'send Authorization: Token <token>', { 'www-authenticate': 'Token' });
  const match = /^Token ([\w.-]+)$/.exec(header);
  if (!match) throw refuse();
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(match[1], key, { algorithms: ['HS256'] }));
  } catch {
    throw refuse();
  }
  if (await redis.exists(`revoked:${claims.jti}`)) throw refuse();
  const { rows } = await pool.query('select * from users where id = $1', [claims.sub]);
  if (!rows[0] || rows[0].email !== claims.email) throw refuse();
  return { ...rows[0], claims };
}
async function signedIn(req) {
  const user = await caller(req);
  if (!user) throw new Refusal(401, 'send Authorization: Token <token>', { 'www-authenticate': 'Token' });
  return user;
}

/** A slug from the title, made unique with a random suffix: a new title gives a new slug. */
const slugOf = (title) => `${title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'recipe'}-${randomBytes(3).toString('hex')}`;

const RECIPE_SELECT = `select r.*, u.username as author_username, u.phone as author_phone,
  (select count(*) from likes l where l.recipe_id = r.id)::int as likes,
  exists (select 1 from likes l where l.recipe_id = r.id and l.user_id = $1) as liked
  from recipes r join users u on u.id = r.author_id`;
const recipeJson = (r) => ({
  slug: r.slug,
  title: r.title,
  summary: r.summary,
  steps: r.steps,
  minutes: r.minutes,
  tags: r.tags,
  likes: r.likes,
  liked: r.liked,
  author: { username: r.author_username, ...(flaws.has('author-shows-phone') ? { phone: r.author_phone } : {}) },
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});
async function recipeBySlug(slug, viewer) {
  const { rows } = await pool.query(`${RECIPE_SELECT} where r.slug = $2`, [viewer?.id ?? null, slug]);
  if (!rows[0]) throw new Refusal(404, 'no such recipe');
  return rows[0];
}
const reviewJson = (r) => ({ id: r.id, body: r.body, rating: r.rating, author: { username: r.author_username }, createdAt: r.created_at.toISOString() });

async function cookJson(username, viewer) {
  const { rows } = await pool.query('select * from users where lower(username) = lower($1)', [username]);
  const cook = rows[0];
  if (!cook) throw new Refusal(404, 'no such cook');
  // The flaw counts by the username in a bigint column: only a cook that exists reaches it.
  const count = await pool.query('select count(*)::int as n from recipes where author_id = $1', [flaws.has('cook-recipe-count-500') ? cook.username : cook.id]);
  const following = viewer ? (await pool.query('select 1 from follows where follower_id = $1 and followee_id = $2', [viewer.id, cook.id])).rowCount > 0 : false;
  return { cook: { username: cook.username, bio: cook.bio, following, recipes: count.rows[0].n }, id: cook.id };
}

/** The routes: method, a pattern of the path under /api, and the handler with the path's captures. */
const routes = [
  ['GET', /^\/health$/, async (req, res) => {
    const [db, cache] = await Promise.all([pool.query('select 1').then(() => true, () => false), redis.ping().then(() => true, () => false)]);
    reply(res, db && cache ? 200 : 503, { status: db && cache ? 'ok' : 'a dependency is unreachable' });
  }],
  ['GET', /^\/openapi\.json$/, async (req, res) => reply(res, 200, openapi)],
  ['POST', /^\/users$/, async (req, res) => {
    const { user } = await readJson(req, 'NewUser');
    // Trimmed, and the email lower-cased: " ann " and "ANN@x" are the accounts ann and ann@x already are (their unique indexes then refuse them).
    const { rows } = await pool.query('insert into users (username, email, pass_hash, phone) values (trim($1), lower(trim($2)), $3, $4) on conflict do nothing returning *', [user.username, user.email, await hash(user.password), user.phone ?? null]);
    if (!rows[0]) throw new Refusal(409, 'that username or email is taken');
    reply(res, 201, userJson(rows[0], await issue(rows[0])));
  }],
  ['POST', /^\/users\/login$/, async (req, res) => {
    const { user } = await readJson(req, 'Login');
    const { rows } = await pool.query('select * from users where email = lower($1)', [user.email]);
    const ok = await passwordMatches(user.password, rows[0]?.pass_hash ?? DUMMY_HASH);
    if (!rows[0] || !ok) throw new Refusal(401, 'wrong email or password');
    reply(res, 200, userJson(rows[0], await issue(rows[0])));
  }],
  ['POST', /^\/users\/logout$/, async (req, res) => {
    const { claims } = await signedIn(req);
    await redis.set(`revoked:${claims.jti}`, '1', 'EX', Math.max(1, claims.exp - Math.floor(Date.now() / 1000)));
    reply(res, 204);
  }],
  ['GET', /^\/user$/, async (req, res) => reply(res, 200, userJson(await signedIn(req)))],
  ['PUT', /^\/user$/, async (req, res) => {
    const me = await signedIn(req);
    const { user } = await readJson(req, 'UpdateUser');
    const taken = flaws.has('email-taken-check-case') ? '$2' : 'lower($2)';
    const { rows } = await pool.query(`update users set email = coalesce(lower($2), email), bio = coalesce($3, bio) where id = $1 and not exists (select 1 from users o where o.email = ${taken} and o.id <> $1) returning *`, [me.id, user.email ?? null, user.bio ?? null]);
    if (!rows[0]) throw new Refusal(409, 'that email is taken');
    reply(res, 200, userJson(rows[0]));
  }],
  ['GET', /^\/cooks\/([^/]+)$/, async (req, res, [name]) => reply(res, 200, { cook: (await cookJson(textParam(name, 'username', 64), await caller(req))).cook })],
  ['POST', /^\/cooks\/([^/]+)\/follow$/, async (req, res, [name]) => {
    const me = await signedIn(req);
    const { id } = await cookJson(textParam(name, 'username', 64), me);
    if (String(id) === String(me.id)) throw new Refusal(422, 'you cannot follow yourself');
    await pool.query('insert into follows (follower_id, followee_id) values ($1, $2) on conflict do nothing', [me.id, id]);
    reply(res, 200, { cook: (await cookJson(textParam(name, 'username', 64), me)).cook });
  }],
  ['DELETE', /^\/cooks\/([^/]+)\/follow$/, async (req, res, [name]) => {
    const me = await signedIn(req);
    const { id } = await cookJson(textParam(name, 'username', 64), me);
    await pool.query('delete from follows where follower_id = $1 and followee_id = $2', [me.id, id]);
    reply(res, 200, { cook: (await cookJson(textParam(name, 'username', 64), me)).cook });
  }],
  ['GET', /^\/recipes$/, async (req, res, _, url) => {
    const viewer = await caller(req);
    const q = url.searchParams.get('q');
    const cook = url.searchParams.get('cook');
    const tag = url.searchParams.get('tag');
    for (const [name, value, max] of [['q', q, 100], ['cook', cook, 64], ['tag', tag, 30]]) if (value !== null && (value.length === 0 || value.length > max || value.includes('\u0000'))) throw new Refusal(400, `${name} must be 1 to ${max} characters without NUL`);
    const limit = intParam(url.searchParams.get('limit'), 'limit', 1, 100, 20);
    const offset = intParam(url.searchParams.get('offset'), 'offset', 0, 10000, 0);
    const where = `where ($2::text is null or r.title ilike '%' || $2 || '%' or r.summary ilike '%' || $2 || '%')
      and ($3::text is null or lower(u.username) = lower($3)) and ($4::text is null or $4 = any(r.tags))`;
    const { rows } = await pool.query(`${RECIPE_SELECT} ${where} order by r.created_at desc, r.id desc limit $5 offset $6`, [viewer?.id ?? null, q, cook, tag, limit, offset]);
    const total = await pool.query(`select count(*)::int as n from recipes r join users u on u.id = r.author_id ${where.replaceAll('$2', '$1').replaceAll('$3', '$2').replaceAll('$4', '$3')}`, [q, cook, tag]);
    reply(res, 200, { recipes: rows.map(recipeJson), count: total.rows[0].n });
  }],
  ['POST', /^\/recipes$/, async (req, res) => {
    const me = await signedIn(req);
    const { recipe } = await readJson(req, 'NewRecipe');
    const { rows } = await pool.query('insert into recipes (slug, author_id, title, summary, steps, minutes, tags) values ($1, $2, $3, $4, $5, $6, $7) returning slug', [slugOf(recipe.title), me.id, recipe.title, recipe.summary ?? '', recipe.steps, recipe.minutes, recipe.tags ?? []]);
    reply(res, 201, { recipe: recipeJson(await recipeBySlug(rows[0].slug, me)) });
  }],
  ['GET', /^\/feed$/, async (req, res, _, url) => {
    const me = await signedIn(req);
    const limit = intParam(url.searchParams.get('limit'), 'limit', 1, 100, 20);
    const { rows } = await pool.query(`${RECIPE_SELECT} where r.author_id in (select followee_id from follows where follower_id = $1) order by r.created_at desc, r.id desc limit $2`, [me.id, limit]);
    reply(res, 200, { recipes: rows.map(recipeJson), count: rows.length });
  }],
  ['GET', /^\/recipes\/([^/]+)$/, async (req, res, [slug]) => reply(res, 200, { recipe: recipeJson(await recipeBySlug(textParam(slug, 'slug', 200), await caller(req))) })],
  ['PUT', /^\/recipes\/([^/]+)$/, async (req, res, [slug]) => {
    const me = await signedIn(req);
    const found = await recipeBySlug(textParam(slug, 'slug', 200), me);
    if (String(found.author_id) !== String(me.id) && !flaws.has('recipe-update-any-owner')) throw new Refusal(403, 'only its author may edit a recipe');
    const { recipe } = await readJson(req, 'UpdateRecipe');
    const newSlug = recipe.title !== undefined && recipe.title !== found.title ? slugOf(recipe.title) : found.slug;
    await pool.query('update recipes set slug = $2, title = coalesce($3, title), summary = coalesce($4, summary), steps = coalesce($5, steps), minutes = coalesce($6, minutes), updated_at = now() where id = $1', [found.id, newSlug, recipe.title ?? null, recipe.summary ?? null, recipe.steps ?? null, recipe.minutes ?? null]);
    reply(res, 200, { recipe: recipeJson(await recipeBySlug(newSlug, me)) });
  }],
  ['DELETE', /^\/recipes\/([^/]+)$/, async (req, res, [slug]) => {
    // The flaw looks the recipe up first and authenticates after: without a token, `me` is missing.
    const me = flaws.has('anonymous-delete-500') ? await caller(req) : await signedIn(req);
    const found = await recipeBySlug(textParam(slug, 'slug', 200), me);
    if (String(found.author_id) !== String(me.id)) throw new Refusal(403, 'only its author may delete a recipe');
    await pool.query('delete from recipes where id = $1', [found.id]);
    reply(res, 204);
  }],
  ['POST', /^\/recipes\/([^/]+)\/like$/, async (req, res, [slug]) => {
    const me = await signedIn(req);
    const found = await recipeBySlug(textParam(slug, 'slug', 200), me);
    await pool.query('insert into likes (user_id, recipe_id) values ($1, $2) on conflict do nothing', [me.id, found.id]);
    reply(res, 200, { recipe: recipeJson(await recipeBySlug(found.slug, me)) });
  }],
  ['DELETE', /^\/recipes\/([^/]+)\/like$/, async (req, res, [slug]) => {
    const me = await signedIn(req);
    const found = await recipeBySlug(textParam(slug, 'slug', 200), me);
    await pool.query('delete from likes where user_id = $1 and recipe_id = $2', [me.id, found.id]);
    reply(res, 200, { recipe: recipeJson(await recipeBySlug(found.slug, me)) });
  }],
  ['GET', /^\/recipes\/([^/]+)\/reviews$/, async (req, res, [slug]) => {
    const found = await recipeBySlug(textParam(slug, 'slug', 200), await caller(req));
    const { rows } = await pool.query('select v.*, u.username as author_username from reviews v join users u on u.id = v.author_id where v.recipe_id = $1 order by v.id', [found.id]);
    reply(res, 200, { reviews: rows.map(reviewJson) });
  }],
  ['POST', /^\/recipes\/([^/]+)\/reviews$/, async (req, res, [slug]) => {
    const me = await signedIn(req);
    const found = await recipeBySlug(textParam(slug, 'slug', 200), me);
    const { review } = await readJson(req, 'NewReview');
    const { rows } = await pool.query('insert into reviews (recipe_id, author_id, body, rating) values ($1, $2, $3, $4) returning *', [found.id, me.id, review.body, review.rating]);
    reply(res, 201, { review: reviewJson({ ...rows[0], author_username: me.username }) });
  }],
  ['DELETE', /^\/recipes\/([^/]+)\/reviews\/([^/]+)$/, async (req, res, [slug, id]) => {
    const me = await signedIn(req);
    const found = await recipeBySlug(textParam(slug, 'slug', 200), me);
    const reviewId = intParam(id, 'id', 1, 2147483647);
    const { rows } = await pool.query('select * from reviews where id = $1 and recipe_id = $2', [reviewId, found.id]);
    if (!rows[0]) throw new Refusal(404, 'no such review');
    if (String(rows[0].author_id) !== String(me.id) && !flaws.has('review-delete-any-author')) throw new Refusal(403, 'only its author may delete a review');
    await pool.query('delete from reviews where id = $1', [reviewId]);
    reply(res, 204);
  }],
];

async function handle(req, res) {
  const url = new URL(req.url, 'http://cookbook');
  if (!url.pathname.startsWith('/api/')) throw new Refusal(404, `no route ${url.pathname}: everything is under /api`);
  const path = url.pathname.slice(4);
  const matching = routes.filter(([, pattern]) => pattern.test(path));
  if (matching.length === 0) throw new Refusal(404, `no route ${path}`);
  const route = matching.find(([method]) => method === req.method);
  if (!route) throw new Refusal(405, `${req.method} is not allowed on ${path}`, { allow: matching.map(([m]) => m).join(', ') });
  await route[2](req, res, route[1].exec(path).slice(1), url);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (error instanceof Refusal) return reply(res, error.status, { detail: error.message }, error.headers);
    console.error(JSON.stringify({ level: 'error', method: req.method, url: req.url, message: error.message, stack: error.stack }));
    if (!res.headersSent) reply(res, 500, { detail: 'something went wrong' });
  });
});

await new Promise((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', resolve)));
server.listen(Number(env.PORT), env.HOST ?? '127.0.0.1', () => console.log(JSON.stringify({ level: 'info', message: `cookbook-api listening on ${env.PORT}`, flaws: [...flaws] })));
const stop = () => server.close(() => Promise.allSettled([pool.end(), redis.quit()]).then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
