import { isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { authRequest, createSession, freshCredentials, login, type Credentials } from '../../http/session.ts';
import { bodyFieldsOf, topProperties } from '../../openapi/identity.ts';
import type { Operation } from '../../openapi/operations.ts';
import { buildRequest, ResourceStore } from '../../openapi/plan.ts';
import { succeeded, type SecurityRun } from './_run.ts';

/**
 * Uniqueness of the login identity (issue #26's fifth property, at sign-up): once an account
 * exists, signing up again with its email or username in another case or padded with spaces must
 * be refused, and an email with an accent must be refused in its other Unicode normalisation form
 * (NFD for NFC) where the target takes accents at all. A second account (a 2xx) or a 5xx is the finding:
 * two accounts whose emails differ only in case is how account takeovers and duplicate billing start.
 * Every other field of the second sign-up is fresh, so only the identity can collide.
 */
export async function uniqueIdentity(run: SecurityRun): Promise<void> {
  const auth = run.auth;
  const id = 'security:auth:unique-identity';
  const title = 'signing up again with the same email or username in another case or padded is refused';
  if (!auth?.register) return run.skip(id, title, 'no target.auth.register to sign up with');
  const register = auth.register;
  const first = await createSession(auth, run.baseUrl, run.settings.seed, { label: 'unique' });
  const problems: string[] = [];
  let tried = 0;
  let failing: { request: HttpRequest; response: HttpResponse } | undefined;
  for (const field of ['email', 'username'] as const) {
    const original = first.credentials[field];
    if (!original) continue;
    for (const [how, value] of variants(original)) {
      const request = authRequest(register, run.baseUrl, { ...freshCredentials(run.settings.seed, 'unique'), [field]: value });
      // A body (a template or a builder) that does not carry this field: it does not identify the account.
      if (!JSON.stringify(request.body ?? '').includes(JSON.stringify(value).slice(1, -1))) continue;
      tried += 1;
      const response = await run.send(request);
      if (succeeded(response)) problems.push(`the ${field} ${JSON.stringify(original)} ${how} (${JSON.stringify(value)}) signed up a second account (${response.status})`);
      else if (isServerError(response)) problems.push(`the ${field} ${JSON.stringify(original)} ${how} answered ${response.status}: a server error`);
      else continue;
      failing ??= { request, response };
    }
  }
  if (tried === 0) return run.skip(id, title, "target.auth.register's body carries neither the email nor the username: nothing identifies the account");
  // The same email in its other Unicode form: only where the target takes an accented email at all.
  const accented = freshCredentials(run.settings.seed, 'unique');
  accented.email = accented.email.replace(/^gauntlet\./, 'gauntlet.jos\u00e9.');
  const nfcRequest = authRequest(register, run.baseUrl, { ...accented });
  // Only where the body carries the email (gin signs up by username: any fresh sign-up works).
  const carries = JSON.stringify(nfcRequest.body ?? '').includes(JSON.stringify(accented.email).slice(1, -1));
  if (carries && succeeded(await run.send(nfcRequest))) {
    const request = authRequest(register, run.baseUrl, { ...freshCredentials(run.settings.seed, 'unique'), email: accented.email.normalize('NFD') });
    const response = await run.send(request);
    if (succeeded(response) || isServerError(response)) {
      problems.push(`the email ${JSON.stringify(accented.email)} in its decomposed Unicode form (NFD: "e" + a combining accent) ${succeeded(response) ? `signed up a second account (${response.status})` : `answered ${response.status}: a server error`}`);
      failing ??= { request, response };
    }
  }
  run.verdict(id, title, problems, failing);
  await uniqueOnUpdate(run, first.credentials);
}

/**
 * Uniqueness on update: user B sets its own email or username (PUT /user, PATCH /me: a secured
 * update without path parameters whose body carries the field) to A's, as sent and in upper case.
 * B's update to a fresh value of its own must work first (else *cannot tell*); then a 2xx (two
 * accounts, one identity) or a 5xx (the unique index caught what the check did not) is the finding.
 */
async function uniqueOnUpdate(run: SecurityRun, taken: Credentials): Promise<void> {
  const auth = run.auth;
  if (!auth) return;
  const updates = run.operations.filter((op) => ['PUT', 'PATCH'].includes(op.method) && op.secured && !op.parameters.some((p) => p.in === 'path') && !run.isAuthOperation(op));
  for (const op of updates) {
    const field = (['email', 'username'] as const).find((f) => taken[f] && fieldsOf(op).includes(f));
    if (!field) continue;
    const id = `security:auth:unique-identity:${op.id}`;
    const title = `${op.id} refuses to give a user another user's ${field}, in any case`;
    const other = await createSession(auth, run.baseUrl, run.settings.seed, { label: 'unique-update' });
    const store = new ResourceStore();
    store.self = other.userId;
    let headers = other.headers;
    const withValue = (value: string): HttpRequest => {
      const { request } = buildRequest(op, run.baseUrl, store, headers, run.settings.seed);
      const body = request.body && 'json' in request.body ? request.body.json : undefined;
      const { wrapper, fields } = bodyFieldsOf(body);
      const json = wrapper ? { [wrapper]: { ...fields, [field]: value } } : { ...fields, [field]: value };
      return { ...request, body: { json } };
    };
    const fresh = freshCredentials(run.settings.seed, 'unique-update')[field] as string;
    const control = await run.send(withValue(fresh));
    if (!succeeded(control)) {
      run.skip(id, title, `cannot tell: B's ${op.id} with a fresh ${field} of its own answered ${control.status}, so a refusal of A's would prove nothing`);
      continue;
    }
    // A token that names the old identity may die with it: B logs in again under the new one.
    headers = (await login(auth, run.baseUrl, { ...other.credentials, [field]: fresh }).catch(() => undefined))?.headers ?? headers;
    const problems: string[] = [];
    let failing: { request: HttpRequest; response: HttpResponse } | undefined;
    const original = taken[field] as string;
    for (const [how, value] of [['as it is', original] as [string, string], ...variants(original)]) {
      const request = withValue(value);
      const response = await run.send(request);
      if (!succeeded(response) && !isServerError(response)) continue;
      problems.push(`user B's ${op.id} with user A's ${field} ${how} (${JSON.stringify(value)}) ${succeeded(response) ? `was accepted (${response.status}): two accounts share one identity` : `answered ${response.status}: a server error`}`);
      failing ??= { request, response };
    }
    run.verdict(id, title, problems, failing);
  }
}

/** The top-level properties of an operation's JSON body (inside a one-key wrapper too). */
function fieldsOf(op: Operation): string[] {
  return topProperties(op.body?.media.find((m) => /json/.test(m.contentType))?.schema);
}

/** The same identity as another string: in upper case, padded with spaces. */
function variants(value: string): [string, string][] {
  return [
    ['in upper case', value.toUpperCase()],
    ['padded with spaces', ` ${value} `],
  ];
}
