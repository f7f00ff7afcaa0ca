import { registerSecret } from './secrets.ts';

/**
 * Credentials the target issues in its answers (issue #27, item 5), registered as secrets the moment
 * an answer arrives, so that no report or log shows one: a JWT anywhere in the text, the value of a
 * field named like a credential (token, access, refresh_token, session, apiKey, secret, password …)
 * at any depth when it looks like one (a word of 16+ token characters), and a session-like `Set-Cookie`. Not what the request itself carried (a
 * forged token a check sends on purpose, echoed back, stays as it was: it is the attack) and not an
 * unsigned JWT (`alg: none`, never a credential). Short values (under 10 characters) are left alone.
 */
export function registerIssued(method: string, url: string, requestText: string, text: string, json: unknown, setCookies: string[]): void {
  const where = (what: string) => `«a credential the target issued (${what} of the answer to ${method} ${pathOf(url)}): send that request to get one»`;
  const take = (value: string, what: string) => {
    if (value.length < 10 || requestText.includes(value) || (value.startsWith('eyJ') && unsigned(value))) return;
    registerSecret(value, where(what), { weak: true }); // the auth flow's own placeholder, said later, says more
  };
  for (const jwt of text.match(JWT) ?? []) take(jwt, 'a JWT');
  walk(json, (key, value) => take(value, `"${key}"`));
  for (const line of setCookies) {
    const [pair] = line.split(';');
    const at = pair?.indexOf('=') ?? -1;
    if (!pair || at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (COOKIE.test(name)) take(decodeURIComponent(pair.slice(at + 1).trim()), `the cookie ${name}`);
  }
}

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
/** Field names of credentials, compared without `_`/`-` and case. */
const FIELDS = new Set(['access', 'refresh', 'token', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken', 'jwt', 'bearer', 'session', 'sessionid', 'sessiontoken', 'sessionkey', 'sid', 'apikey', 'apitoken', 'secret', 'clientsecret', 'password', 'privatekey']);
/** What a credential looks like: one word of 16+ token characters ("access": "read-only" is no token). */
const TOKEN_LIKE = /^[\w.~+/=:$-]{16,}$/;
const COOKIE = /sess|sid|token|auth|jwt|remember/i;

function unsigned(jwt: string): boolean {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()).alg === 'none';
  } catch {
    return false;
  }
}

/** Every string under a credential-named key, at any depth (bounded). */
function walk(node: unknown, found: (key: string, value: string) => void, depth = 0): void {
  if (depth > 8 || !node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node.slice(0, 200)) walk(item, found, depth + 1);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && TOKEN_LIKE.test(value) && FIELDS.has(key.replace(/[_-]/g, '').toLowerCase())) found(key, value);
    else if (value && typeof value === 'object') walk(value, found, depth + 1);
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
