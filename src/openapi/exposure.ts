import { curl, type HttpRequest, type HttpResponse } from '../http/send.ts';
import type { CheckResult } from '../results/types.ts';

/**
 * Password hashes in an answer: what a `select *` or a serialised ORM row puts in a profile, a
 * registration's echo or a user list. The shapes of the common schemes (modular crypt format and the
 * frameworks' own): bcrypt `$2b$12$…`, argon2 `$argon2id$v=19$…`, scrypt `$scrypt$…` / `scrypt:…`,
 * PBKDF2 as Django (`pbkdf2_sha256$…`), Werkzeug (`pbkdf2:sha256:…`) and passlib (`$pbkdf2-sha256$…`)
 * write it, SHA-crypt `$5$`/`$6$`, and any value of 16+ characters under a field named for a hash
 * (`password_hash`, `hashedPassword`, `password_digest`, `encrypted_password`). Hand-written: a scan of text for these prefixes is all it is.
 */
const HASHES: [string, RegExp][] = [
  ['bcrypt', /\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/],
  ['argon2', /\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+/],
  ['scrypt', /(?:\$scrypt\$[^"\s]{20,}|\bscrypt:\d+:\d+:\d+\$[^"\s]{20,}|\bscrypt\$[0-9a-f]{16,}\$[0-9a-f]{32,})/],
  ['pbkdf2', /(?:\bpbkdf2_sha(?:1|256|512)\$\d+\$[^"\s$]+\$[A-Za-z0-9+/=]{20,}|\bpbkdf2:sha(?:1|256|512):\d+\$[^"\s$]+\$[a-f0-9]{32,}|\$pbkdf2(?:-sha(?:1|256|512))?\$\d+\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{20,})/],
  // Any scheme, home-made ones too, under a field named for what it is.
  ['a field named for a password hash', /"(?:password_?hash|passwordHash|hashed_?password|hashedPassword|password_?digest|passwordDigest|encrypted_?password|encryptedPassword|pass_?hash|pwd_?hash)"\s*:\s*"[^"]{16,}"/],
  ['sha-crypt', /\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}/],
];

/** The first password hash in the text: its scheme and a masked sample (never the whole hash in a report). */
export function passwordHashIn(text: string): { scheme: string; sample: string } | undefined {
  for (const [scheme, pattern] of HASHES) {
    const found = pattern.exec(text)?.[0];
    if (found) return { scheme, sample: `${found.slice(0, 12)}…(${found.length} characters)` };
  }
  return undefined;
}

/** `<stage>:<op>:exposure`, failed, when a 2xx answer carries a password hash; undefined otherwise. */
export function exposureCheck(stage: string, op: { id: string }, request: HttpRequest, response: HttpResponse): CheckResult | undefined {
  if (response.status < 200 || response.status >= 300) return undefined;
  const hash = passwordHashIn(response.text);
  if (!hash) return undefined;
  return {
    id: `${stage}:${op.id}:exposure`,
    stage,
    title: `${op.id} exposes no password hash`,
    status: 'failed',
    message: `the answer exposes a password hash (${hash.scheme}: ${hash.sample}): whoever reads it can try passwords offline\nreproduce: ${curl(request)}`,
    evidence: { request: curl(request), status: response.status, scheme: hash.scheme },
  };
}
