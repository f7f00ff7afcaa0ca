import { faker } from '@faker-js/faker';
import { send, type HttpResponse } from '../../src/http/send.ts';

/** A tiny typed client for companion-api over real HTTP. */
export class Api {
  constructor(readonly base: string) {}

  /** One request through the engine's own HTTP client; `json` is loosely typed for test convenience. */
  async call(method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {}): Promise<HttpResponse & { json: any }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.raw !== undefined) headers['content-type'] ??= 'application/json';
    const body = options.raw !== undefined ? { raw: options.raw } : options.body !== undefined ? { json: options.body } : undefined;
    return send({ method, url: `${this.base}${path}`, headers, ...(body ? { body } : {}) });
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
