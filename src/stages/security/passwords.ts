import { isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { AuthFlowError, authRequest, createSession, freshCredentials, login, sessionAuthRequest, tokensFrom, type AuthConfig, type Credentials } from '../../http/session.ts';
import { registerSecret } from '../../redact/secrets.ts';
import { refused, succeeded, type SecurityRun } from './_run.ts';

/**
 * Passwords and sessions (issue #26's eighth property; OWASP ASVS V2.1 and V3.3): a password change
 * ends the sessions issued before it, a long password is not cut to bcrypt's 72 bytes, and a
 * well-known weak password is refused where the target promises a policy.
 */
export async function passwordChecks(run: SecurityRun): Promise<void> {
  await passwordChangeRevokes(run);
  await passwordTruncation(run);
  await weakPasswords(run);
}

/** A 2xx that carries the configured token: a login that worked (a 200 with an error body does not). */
function loggedIn(auth: AuthConfig, response: HttpResponse): boolean {
  if (!succeeded(response)) return false;
  try {
    tokensFrom(auth, response, 'login');
    return true;
  } catch {
    return false;
  }
}

/** A second session of the same user (another device), the change made from the first. */
async function passwordChangeRevokes(run: SecurityRun): Promise<void> {
  const auth = run.auth;
  const id = 'security:auth:password-change-revokes';
  const title = 'a password change ends the sessions issued before it, and only the new password logs in';
  if (!auth?.changePassword) return run.skip(id, title, 'no target.auth.changePassword (e.g. { path: "/me/password", body: { currentPassword: "{{password}}", newPassword: "{{newPassword}}" } }) to change a password with');
  const loginSpec = auth.login;
  if (!loginSpec) return run.skip(id, title, 'no target.auth.login: with HTTP Basic or a token made by a command there is no session issued by a login to outlive the change');
  const change = auth.changePassword;
  const session = await createSession(auth, run.baseUrl, run.settings.seed, { label: 'pwchange' });
  const other = await login(auth, run.baseUrl, session.credentials);
  const { request, control } = await run.sessionProbe(other);
  if (!succeeded(control)) return run.skip(id, title, `cannot tell: before the change, the probe ${run.probe?.id ?? ''} answered ${control.status} to a fresh token; set stages.security.probe to an operation any logged-in user may call`);
  const newPassword = freshCredentials(run.settings.seed, 'new-password').password;
  const changeRequest = sessionAuthRequest(change, run.baseUrl, session, { newPassword });
  if (!JSON.stringify(changeRequest.body ?? '').includes(newPassword)) return run.skip(id, title, "target.auth.changePassword's body does not carry {{newPassword}}: nothing would change");
  const changed = await run.send(changeRequest);
  if (!succeeded(changed)) return run.verdict(id, title, [`changing the password (${change.method} ${change.path}) answered ${changed.status}: check target.auth.changePassword`], { request: changeRequest, response: changed });
  const problems: string[] = [];
  let failing: { request: HttpRequest; response: HttpResponse } | undefined;
  const note = (problem: string, evidence: { request: HttpRequest; response: HttpResponse }) => {
    problems.push(problem);
    failing ??= evidence;
  };
  const after = await run.send(request);
  if (!refused(after)) note(`a session issued before the password change still works: ${run.probe?.id} answered ${after.status} to its token, expected 401 (ASVS 3.3.3)`, { request, response: after });
  if (auth.refresh && other.refreshToken) {
    const rotate = authRequest(auth.refresh, run.baseUrl, { refreshToken: other.refreshToken });
    const rotated = await run.send(rotate);
    if (succeeded(rotated)) note(`a refresh token issued before the password change still rotates (${rotated.status}), expected 401`, { request: rotate, response: rotated });
  }
  const withNew = authRequest(loginSpec, run.baseUrl, { ...session.credentials, password: newPassword });
  const newAnswer = await run.send(withNew);
  if (!loggedIn(auth, newAnswer)) note(`the change answered ${changed.status}, but the new password does not log in (${newAnswer.status}): the change did not take effect`, { request: withNew, response: newAnswer });
  const withOld = authRequest(loginSpec, run.baseUrl, { ...session.credentials });
  const oldAnswer = await run.send(withOld);
  if (loggedIn(auth, oldAnswer)) note(`the old password still logs in after the change (${oldAnswer.status})`, { request: withOld, response: oldAnswer });
  run.verdict(id, title, problems, failing);
}

/** bcrypt hashes the first 72 bytes: a password of more, and the same 72 bytes followed by other text, must not both log in. */
async function passwordTruncation(run: SecurityRun): Promise<void> {
  const auth = run.auth;
  const id = 'security:auth:password-truncation';
  const title = 'a password longer than 72 bytes is not truncated: its first 72 bytes followed by other text do not log in';
  if (!auth?.login || (!auth.register && !auth.createUser)) return run.skip(id, title, 'needs target.auth.login and a way to make a user with a password of its choosing (target.auth.register or createUser)');
  const base = freshCredentials(run.settings.seed, 'long-password');
  const first72 = `${base.password}-${'x7'.repeat(40)}`.slice(0, 72);
  const credentials: Credentials = { ...base, password: `${first72}-Tail-A1` };
  registerSecret(credentials.password, `«the password of ${credentials.email}»`);
  try {
    await createSession(auth, run.baseUrl, run.settings.seed, { credentials });
  } catch (error) {
    if (!(error instanceof AuthFlowError)) throw error;
    const status = error.response?.status;
    if (status !== undefined && status >= 500) return run.verdict(id, title, [`signing up or logging in with a ${credentials.password.length}-byte password answered ${status}: a server error`], { response: error.response as HttpResponse });
    return run.skip(id, title, `the target did not take a ${credentials.password.length}-byte password (${error.message.slice(0, 200)}): nothing to truncate (ASVS 2.1.2 asks that at least 64 characters be allowed)`);
  }
  const variant = authRequest(auth.login, run.baseUrl, { ...credentials, password: `${first72}-Other-Z9` });
  const response = await run.send(variant);
  const problems = loggedIn(auth, response) ? [`the account's password is ${credentials.password.length} bytes; its first 72 bytes followed by other text logged in (${response.status}): the password is truncated (as bcrypt truncates), so any ending works (ASVS 2.4)`] : isServerError(response) ? [`logging in with a wrong ${credentials.password.length}-byte password answered ${response.status}: a server error`] : [];
  run.verdict(id, title, problems, { request: variant, response });
}

/** Top entries of every breached-password list, of the lengths policies start at (ASVS 2.1.7). */
const WEAK = ['12345', 'password', '1234567890', 'qwertyuiop'];

async function weakPasswords(run: SecurityRun): Promise<void> {
  const auth = run.auth;
  const id = 'security:auth:weak-password';
  const title = 'well-known weak passwords are refused at sign-up and password change, as the stated policy says';
  if (!auth?.register) return run.skip(id, title, 'no target.auth.register: sign-up is not a route, so its password policy cannot be tried over HTTP');
  const register = auth.register;
  const accepted: { password: string; where: string; status: number; request: HttpRequest; response: HttpResponse }[] = [];
  for (const weak of WEAK) {
    const request = authRequest(register, run.baseUrl, { ...freshCredentials(run.settings.seed, 'weak'), password: weak });
    if (!JSON.stringify(request.body ?? '').includes(JSON.stringify(weak))) return run.skip(id, title, "target.auth.register's body does not carry {{password}}");
    const response = await run.send(request);
    if (isServerError(response)) return run.verdict(id, title, [`signing up with the password ${JSON.stringify(weak)} answered ${response.status}: a server error`], { request, response });
    if (succeeded(response)) accepted.push({ password: weak, where: 'sign-up', status: response.status, request, response });
  }
  if (auth.changePassword && auth.login) {
    const session = await createSession(auth, run.baseUrl, run.settings.seed, { label: 'weak-change' });
    for (const weak of WEAK) {
      const request = sessionAuthRequest(auth.changePassword, run.baseUrl, session, { newPassword: weak });
      const response = await run.send(request);
      if (!succeeded(response)) continue;
      accepted.push({ password: weak, where: 'a password change', status: response.status, request, response });
      break; // the password is now the weak one: later changes would need it
    }
  }
  if (accepted.length === 0) return run.verdict(id, title, []);
  const policy = statedPolicy(run, register);
  // A finding where the password breaks the rule the target states (or any, where the config says it has a policy).
  const broken = accepted.flatMap((a) => {
    const rule = policy?.broken(a.password);
    return rule ? [{ ...a, rule }] : [];
  });
  if (broken.length) {
    const first = broken[0] as (typeof broken)[number];
    return run.verdict(id, title, broken.map((b) => `${b.where} accepted ${JSON.stringify(b.password)} (${b.status}), which breaks ${b.rule}`), { request: first.request, response: first.response });
  }
  // Within what the target promises, or no promise at all: advice, not a failure.
  run.add({ id, title, status: 'passed', message: `advice: ${accepted.map((a) => `${a.where} accepted ${JSON.stringify(a.password)} (${a.status})`).join('; ')}. ${policy ? `They meet ${policy.source}` : 'No password policy is documented (or set in stages.security.sessions.passwordPolicy)'}, so this is not a failure; ASVS 2.1.7 asks that breached passwords be refused.` });
}

interface Policy {
  source: string;
  /** The stated rule the password breaks, in words; undefined when it meets them all. */
  broken(password: string): string | undefined;
}

/**
 * The password rules the target states: stages.security.sessions.passwordPolicy (every weak password
 * breaks it), else the sign-up password field's `minLength`, `pattern`, and the rules its description
 * names ("at least 10 characters with a letter and a digit").
 */
function statedPolicy(run: SecurityRun, register: { method: string; path: string }): Policy | undefined {
  const configured = run.settings.sessions.passwordPolicy;
  if (configured === false) return undefined;
  if (configured === true) return { source: 'the policy stages.security.sessions.passwordPolicy promises', broken: () => 'the policy stages.security.sessions.passwordPolicy promises' };
  const op = run.operations.find((o) => o.method === register.method && o.path === register.path);
  const schema = op?.body?.media.find((m) => /json|form/.test(m.contentType))?.schema as { properties?: Record<string, { minLength?: number; pattern?: string; description?: string }> } | undefined;
  const entry = Object.entries(schema?.properties ?? {}).find(([name, field]) => /pass(word)?|pwd/i.test(name) && field && typeof field === 'object');
  if (!entry) return undefined;
  const [name, field] = entry;
  const where = `${op?.id}'s ${name}`;
  const rules: [string, (p: string) => boolean][] = [];
  if (field.minLength) rules.push([`the documented minLength of ${field.minLength} for ${where}`, (p) => p.length >= (field.minLength as number)]);
  if (field.pattern) rules.push([`the documented pattern ${field.pattern} for ${where}`, (p) => safeRegExp(field.pattern as string)?.test(p) ?? true]);
  const text = field.description ?? '';
  const least = /at least (\d+)/i.exec(text)?.[1];
  if (least) rules.push([`"${text}" (${where})`, (p) => p.length >= Number(least)]);
  if (/\bdigit|\bnumber/i.test(text)) rules.push([`"${text}" (${where}: a digit)`, (p) => /\d/.test(p)]);
  if (/\bletter/i.test(text)) rules.push([`"${text}" (${where}: a letter)`, (p) => /\p{L}/u.test(p)]);
  if (/upper/i.test(text)) rules.push([`"${text}" (${where}: an upper-case letter)`, (p) => /\p{Lu}/u.test(p)]);
  if (/symbol|special/i.test(text)) rules.push([`"${text}" (${where}: a symbol)`, (p) => /[^\p{L}\p{N}]/u.test(p)]);
  if (rules.length === 0) return undefined;
  return { source: `the rules the document states for ${where}`, broken: (p) => rules.find(([, holds]) => !holds(p))?.[0] };
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}
