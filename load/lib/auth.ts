import { check, fail } from 'k6';
import http from 'k6/http';

export interface LoadUser {
  email: string;
  password: string;
  displayName: string;
}

const json = { headers: { 'content-type': 'application/json' } };

/** Registers (409: already there is fine) and logs in; returns the bearer header. */
export function signIn(baseUrl: string, user: LoadUser): Record<string, string> {
  const registered = http.post(`${baseUrl}/auth/register`, JSON.stringify({ email: user.email, password: user.password, displayName: user.displayName }), { ...json, tags: { name: 'register' }, responseCallback: http.expectedStatuses(201, 409) });
  check(registered, { 'register answers 201 or 409': (r) => r.status === 201 || r.status === 409 });
  const login = http.post(`${baseUrl}/auth/login`, JSON.stringify({ email: user.email, password: user.password }), { ...json, tags: { name: 'login' } });
  if (!check(login, { 'login answers 200': (r) => r.status === 200 })) fail(`login of ${user.email} answered ${login.status}: ${String(login.body).slice(0, 200)}`);
  return { authorization: `Bearer ${login.json('accessToken') as string}`, 'content-type': 'application/json' };
}
