import { faker } from '@faker-js/faker';

/** A tiny typed client for companion-api over real HTTP. */
export class Api {
  constructor(readonly base: string) {}

  async call(method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.base}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  /** Registers and logs in a fresh user (unique, from the seeded faker). */
  async user(overrides: { email?: string; password?: string } = {}) {
    const email = overrides.email ?? `${faker.internet.username().toLowerCase().replace(/[^a-z0-9]/g, '')}.${faker.string.alphanumeric(8).toLowerCase()}@example.com`;
    const password = overrides.password ?? `Pw-${faker.string.alphanumeric(12)}7`;
    const reg = await this.call('POST', '/auth/register', { body: { email, password, displayName: faker.person.firstName() } });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.text}`);
    const login = await this.call('POST', '/auth/login', { body: { email, password } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
    return { email, password, id: reg.json.id as string, accessToken: login.json.accessToken as string, refreshToken: login.json.refreshToken as string };
  }
}

faker.seed(20261122);
