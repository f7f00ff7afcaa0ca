/**
 * Every secret a run handles, so that no report or log shows one: the tokens the target issued to
 * Gauntlet's test users, their passwords, and the secrets of the config (the JWT secret, the admin's
 * password, env values whose names say secret, password, token or key). Each is replaced by a
 * placeholder that says what it stands for and how to get one, so a curl reproduction stays usable.
 *
 * Hand-written: redaction libraries (fast-redact, pino's redact) remove values by key path in an
 * object; these values also appear inside text (a curl command, a response body, a log line).
 * Forged tokens that a check sends on purpose (alg none, an expired one) are not secrets: they are
 * the attack, and the reproduction needs them as they were.
 */
const secrets = new Map<string, string>();

/** Shorter values are left alone: a 3-character "secret" would blank out ordinary words. */
const MIN_LENGTH = 6;

/** Placeholders a later registration of the same value may replace (a token seen in an answer before the auth flow names it). */
const weak = new Set<string>();

export function registerSecret(value: string | undefined, placeholder: string, options: { weak?: boolean } = {}): void {
  if (!value || value.length < MIN_LENGTH || (secrets.has(value) && !weak.has(value))) return;
  if (secrets.has(value) && options.weak) return;
  secrets.set(value, placeholder);
  if (options.weak) weak.add(value);
  else weak.delete(value);
}

/** The text with every registered secret replaced by its placeholder. */
export function redactText(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  // Longest first: a token that contains another secret is replaced whole.
  for (const [value, placeholder] of [...secrets].sort((a, b) => b[0].length - a[0].length)) {
    if (out.includes(value)) out = out.replaceAll(value, placeholder);
  }
  return out;
}

/** A JSON-like value with every string redacted (keys too). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k), redactDeep(v)])) as T;
  }
  return value;
}

/** For tests: forget every secret. */
export function clearSecrets(): void {
  secrets.clear();
  weak.clear();
}

const SECRET_NAME = /secret|password|passwd|token|api[-_]?key|private[-_]?key/i;

/** The secrets a config holds: named secrets, and env values whose names say they are secret. */
export function registerConfigSecrets(config: { target: { start: { env?: Record<string, string> } }; stages: { security?: { jwt?: { secret?: string }; admin?: { credentials?: { password?: string } } } } }): void {
  registerSecret(config.stages.security?.jwt?.secret, '«the JWT secret: stages.security.jwt.secret in gauntlet.config.ts»');
  registerSecret(config.stages.security?.admin?.credentials?.password, "«the admin's password: stages.security.admin.credentials in gauntlet.config.ts»");
  for (const [name, value] of Object.entries(config.target.start.env ?? {})) {
    if (SECRET_NAME.test(name)) registerSecret(value, `«${name}: target.start.env in gauntlet.config.ts»`);
  }
}
