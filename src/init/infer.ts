import type { OpenApiDocument } from '../openapi/document.ts';
import { sampleFor } from '../openapi/generate.ts';
import { looksAdminOnly } from '../openapi/plan.ts';
import { basePathOf, listOperations, type JsonSchema, type Operation } from '../openapi/operations.ts';

/**
 * What `gauntlet init` can tell from an OpenAPI document, each with the reason it was chosen, so the
 * written config can say why. Heuristics only: everything inferred is written as plain config the
 * user can correct.
 */
export interface Inferred {
  title: string;
  operations: number;
  secured: number;
  /** `checked`: the started target answered 2xx there (init/observe-target.ts). */
  health: { path: string; found: boolean; checked?: boolean; status?: number };
  header?: { name: string; scheme: string; why: string };
  register?: { path: string; body: Record<string, unknown> };
  login?: { path: string; body: Record<string, unknown>; encoding?: 'form' };
  tokenPath?: string;
  /** The token was found there in a real login answer, not only in the document. */
  tokenChecked?: boolean;
  /** Cookie auth: the session cookie's name (an apiKey scheme in a cookie). */
  cookie?: string;
  refreshTokenPath?: string;
  refresh?: { path: string; body: Record<string, unknown> };
  logout?: { path: string; body: Record<string, unknown> };
  deleteAccount?: { method: string; path: string };
  probe?: string;
  /** The login operation's id ("POST /users/login"): what a rate limit names. */
  loginOperation?: string;
  /** Secured operations on a path parameter (an id, a slug, a username): tried by a second user. */
  ownedResources: string[];
  adminOperations: string[];
  notes: string[];
}

const post = (ops: Operation[], re: RegExp, secured?: boolean) => ops.find((op) => op.method === 'POST' && re.test(op.path) && !op.parameters.some((p) => p.in === 'path') && (secured === undefined || op.secured === secured));

/** A login that takes an HTML form (FastAPI's OAuth2PasswordRequestForm), not JSON. */
const isForm = (op: Operation) => !op.body?.media.some((m) => /json/.test(m.contentType)) && op.body?.media.some((m) => m.contentType === 'application/x-www-form-urlencoded') === true;

/**
 * A body template: credentials become {{email}}, {{password}}, {{name}}; other required fields get a
 * sample. A body wrapped in a key (`{ "user": { "email", "password" } }`) gets its template inside.
 */
function bodyTemplate(op: Operation | undefined, usernames: boolean, extra: Record<string, string> = {}): Record<string, unknown> {
  return objectTemplate(bodySchema(op), extra, 0, usernames);
}

const bodySchema = (op: Operation | undefined): JsonSchema => (op?.body?.media.find((m) => /json/.test(m.contentType)) ?? op?.body?.media.find((m) => m.contentType === 'application/x-www-form-urlencoded'))?.schema ?? {};
const PHONE = /^(phone|phone_?number|mobile|telephone|tel)$/i;
/** Whether a value passes the property's pattern (none: it does). */
const fitsPattern = (prop: JsonSchema, value: string): boolean => {
  if (typeof prop.pattern !== 'string') return true;
  try {
    return new RegExp(prop.pattern, 'u').test(value);
  } catch {
    return false;
  }
};
const USERNAME = /^(username|user_?name|login|handle|nick_?name)$/i;
/** Whether a body has a username field of its own (at any depth): then a login's `username` is that, not the email. */
const hasUsername = (schema: JsonSchema, depth = 0): boolean => depth < 3 && Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).some(([name, prop]) => USERNAME.test(name) || hasUsername(prop, depth + 1));

function objectTemplate(schema: JsonSchema, extra: Record<string, string>, depth: number, usernames: boolean): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const body: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(props)) {
    if (extra[name]) body[name] = extra[name];
    else if (prop.properties && depth < 3) {
      const inner = objectTemplate(prop, extra, depth + 1, usernames);
      if (required.has(name) || Object.values(inner).some((v) => typeof v === 'string' && v.startsWith('{{'))) body[name] = inner;
    } else if (prop.format !== 'email' && USERNAME.test(name) && usernames) body[name] = '{{username}}'; // letters and digits, 9 characters: fits the usual 5–10 or 3–30 rules
    else if (prop.format === 'email' || /^e-?mail$/i.test(name) || USERNAME.test(name)) body[name] = '{{email}}';
    else if (/pass(word)?/i.test(name)) body[name] = '{{password}}';
    else if (PHONE.test(name) && (prop.type === undefined || prop.type === 'string') && fitsPattern(prop, '+15550123456')) body[name] = '{{phone}}'; // a private field the exposure checks look for
    else if (/name/i.test(name)) body[name] = '{{name}}';
    else if (required.has(name)) body[name] = sampleFor(prop, 1);
  }
  return body;
}

/** The dot path of the first string property (breadth first) whose name matches. */
function findProperty(schema: JsonSchema | undefined, re: RegExp, prefix = '', depth = 0): string | undefined {
  if (!schema || depth > 4) return undefined;
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, prop] of Object.entries(props)) if (re.test(name) && (prop.type === 'string' || prop.type === undefined)) return `${prefix}${name}`;
  for (const [name, prop] of Object.entries(props)) {
    const found = findProperty(prop, re, `${prefix}${name}.`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const successSchema = (op: Operation | undefined) => op?.responses.find((r) => r.status.startsWith('2'))?.content.find((m) => /json/.test(m.contentType))?.schema;

export function infer(doc: OpenApiDocument): Inferred {
  // Under the document's base path (servers[0].url), so the auth paths written are the ones called.
  const ops = listOperations(doc, basePathOf(doc));
  const notes: string[] = [];
  // A documented health operation: a well-known path, else any GET whose path names one (/api/v1/health, /ping).
  const healthPath =
    ['/health', '/healthz', '/health/live', '/livez', '/ready', '/readyz', '/status'].find((p) => doc.paths?.[p]) ??
    Object.keys(doc.paths ?? {}).find((p) => !p.includes('{') && /\/(health|healthz|livez|readyz|ready|status|ping)$/i.test(p) && (doc.paths?.[p] as Record<string, unknown> | undefined)?.get);

  const schemes = Object.entries(((doc.components as Record<string, unknown> | undefined)?.securitySchemes ?? {}) as Record<string, Record<string, string>>);
  let header: Inferred['header'];
  let cookie: string | undefined;
  const [schemeName, scheme] = schemes[0] ?? [];
  if (scheme?.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') header = { name: 'authorization', scheme: 'Bearer', why: `security scheme "${schemeName}" is HTTP bearer` };
  else if (scheme?.type === 'oauth2' || scheme?.type === 'openIdConnect') header = { name: 'authorization', scheme: 'Bearer', why: `security scheme "${schemeName}" is ${scheme.type}: its tokens are sent as bearer tokens` };
  else if (scheme?.type === 'apiKey' && scheme.in === 'header') {
    const word = schemeWord(scheme.description ?? '');
    header = { name: scheme.name ?? 'authorization', scheme: word ?? '', why: `security scheme "${schemeName}" is an API key in the ${scheme.name} header${word ? `; its description says "${word} <token>"` : ''}` };
  } else if (scheme?.type === 'apiKey' && scheme.in === 'cookie') cookie = scheme.name;
  else if (scheme) notes.push(`security scheme "${schemeName}" (${scheme.type}${scheme.in ? ` in ${scheme.in}` : ''}) is not one init understands: set target.auth.header by hand`);
  if (schemes.length > 1) notes.push(`the document has ${schemes.length} security schemes; init used the first, "${schemeName}"`);

  const registerOp = post(ops, /(register|sign-?up|users$|accounts$)/i, false);
  const loginOp = post(ops, /(log-?in|sign-?in|sessions$|tokens?$|auth\/token)/i, false);
  const refreshOp = post(ops, /refresh/i);
  const logoutOp = post(ops, /(log-?out|sign-?out|sessions\/(end|current)|revoke)/i, true);
  const deleteOp = ops.find((op) => op.method === 'DELETE' && op.secured && !op.parameters.some((p) => p.in === 'path') && /(\/me|account|profile|users\/current)$/i.test(op.path));
  // A username of its own at sign-up (or, without a sign-up, at login): {{username}}, letters and digits; else the login's "username" is the email.
  const usernames = hasUsername(bodySchema(registerOp ?? loginOp));
  const loginSuccess = successSchema(loginOp);
  const tokenPath = findProperty(loginSuccess, /^(access_?token|token|jwt|id_?token)$/i);
  const refreshTokenPath = findProperty(loginSuccess, /^refresh(_?token)?$/i);
  const refreshField = Object.keys((refreshOp?.body?.media[0]?.schema?.properties ?? {}) as object).find((k) => /refresh|token/i.test(k));
  const logoutField = Object.keys((logoutOp?.body?.media[0]?.schema?.properties ?? {}) as object).find((k) => /refresh|token/i.test(k));
  if (loginOp && !tokenPath && !cookie) notes.push(`${loginOp.id}: no token property found in its success response: set target.auth.token.path`);
  const probe = ops.find((op) => op.method === 'GET' && op.secured && !op.parameters.some((p) => p.required) && op.responses.some((r) => r.status.startsWith('2')));
  const admin = ops.filter((op) => looksAdminOnly(op, ops));
  // Any key: an id, a slug, a username.
  const owned = ops.filter((op) => op.secured && !admin.includes(op) && op.parameters.some((p) => p.in === 'path'));

  return {
    title: String((doc.info as { title?: string } | undefined)?.title ?? 'target'),
    operations: ops.length,
    secured: ops.filter((op) => op.secured).length,
    health: { path: `${basePathOf(doc)}${healthPath ?? '/health'}`, found: healthPath !== undefined },
    ...(header ? { header } : {}),
    ...(registerOp ? { register: { path: registerOp.path, body: bodyTemplate(registerOp, usernames) } } : {}),
    ...(loginOp ? { login: { path: loginOp.path, body: bodyTemplate(loginOp, usernames), ...(isForm(loginOp) ? { encoding: 'form' as const } : {}) } } : {}),
    ...(tokenPath ? { tokenPath } : {}),
    ...(cookie ? { cookie } : {}),
    ...(refreshTokenPath ? { refreshTokenPath } : {}),
    ...(refreshOp && refreshField && refreshTokenPath ? { refresh: { path: refreshOp.path, body: { [refreshField]: '{{refreshToken}}' } } } : {}),
    ...(logoutOp ? { logout: { path: logoutOp.path, body: logoutField && refreshTokenPath ? { [logoutField]: '{{refreshToken}}' } : {} } } : {}),
    ...(deleteOp ? { deleteAccount: { method: 'DELETE', path: deleteOp.path } } : {}),
    ...(probe ? { probe: probe.id } : {}),
    ...(loginOp ? { loginOperation: loginOp.id } : {}),
    ownedResources: owned.map((op) => op.id),
    adminOperations: admin.map((op) => op.id),
    notes,
  };
}

/**
 * The word before the token in an API-key scheme's description: "Token <token>", "Token xxxxxx",
 * `Authorization: Token abc.def`, "Bearer {jwt}". Undefined when the description shows none.
 */
export function schemeWord(description: string): string | undefined {
  const placeholder = /^\s*([A-Za-z][A-Za-z-]*)\s+[<{]/.exec(description)?.[1];
  if (placeholder) return placeholder;
  return /(?:^|[\s"'`:(])(Token|Bearer|JWT|Basic)\s+(?:[<{]|x{3,}|[A-Za-z0-9._~+/=-]{6,})/.exec(description)?.[1];
}
