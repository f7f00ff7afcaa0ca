import { describe, expect, it } from 'vitest';
import { gauntletContext } from '../src/vitest/index.ts';

/**
 * Hand-written contracts for companion-api: behaviour the OpenAPI document cannot express, run by the
 * contract stage after its generated checks (stages.contract.tests), against the same target.
 */
const base = () => gauntletContext().targetUrl as string;

async function call(method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(`${base()}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as Record<string, any> };
}

async function login() {
  const email = `contract.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = 'Contract-pass-42';
  expect((await call('POST', '/auth/register', { email, password, displayName: 'C' })).status).toBe(201);
  return (await call('POST', '/auth/login', { email, password })).json;
}

describe('companion-api contracts beyond the document', () => {
  it('rotates refresh tokens: each refresh returns a new one, and the access token identifies the same user', async () => {
    const first = await login();
    const second = (await call('POST', '/auth/refresh', { refreshToken: first.refreshToken })).json;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.id).toBe(first.user.id);
    expect((await call('GET', '/me', undefined, second.accessToken)).json.id).toBe(first.user.id);
  });

  it('lists conversations newest first, with message counts that follow the messages', async () => {
    const { accessToken } = await login();
    const older = (await call('POST', '/conversations', { title: 'older' }, accessToken)).json;
    const newer = (await call('POST', '/conversations', { title: 'newer' }, accessToken)).json;
    await call('POST', `/conversations/${older.id}/messages`, { content: 'hello' }, accessToken);
    const list = (await call('GET', '/conversations', undefined, accessToken)).json as unknown as { id: string; messageCount: number }[];
    expect(list.map((c) => c.id)).toEqual([newer.id, older.id]);
    expect(list.map((c) => c.messageCount)).toEqual([0, 2]);
  });
});
