import { isServerError, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { authRequest, createSession, freshCredentials } from '../../http/session.ts';
import { succeeded, type SecurityRun } from './_run.ts';

/**
 * Uniqueness of the login identity (issue #26's fifth property, at sign-up): once an account
 * exists, signing up again with its email or username in another case or padded with spaces must
 * be refused (Unicode normalisation variants need an identity with accents: not generated yet). A second account (a 2xx) or a 5xx is the finding:
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
  run.verdict(id, title, problems, failing);
}

/** The same identity as another string: in upper case, padded with spaces. */
function variants(value: string): [string, string][] {
  return [
    ['in upper case', value.toUpperCase()],
    ['padded with spaces', ` ${value} `],
  ];
}
