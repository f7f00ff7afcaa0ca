import { Validator } from '@seriousme/openapi-schema-validator';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Api } from '../helpers/api.ts';
import { startExampleTarget, type ExampleTarget } from '../helpers/example-target.ts';

describe('companion-api as started by the globalSetup (the config path)', () => {
  const api = new Api(inject('gauntlet').targetUrl as string);

  it('/health answers 200 with every dependency up', async () => {
    const r = await api.call('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok', checks: { database: { status: 'up' }, redis: { status: 'up' }, upstream: { status: 'up' } } });
  });

  it('/openapi.json validates as OpenAPI 3.1 and documents every route with its error responses', async () => {
    const doc = (await api.call('GET', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const operations = Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ id: `${m.toUpperCase()} ${p}`, op })));
    expect(operations.map((o) => o.id)).toEqual(expect.arrayContaining(['POST /auth/login', 'POST /conversations/{id}/messages', 'POST /conversations/{id}/voice', 'POST /goals', 'GET /progress', 'GET /admin/escalations', 'GET /health', 'GET /metrics']));
    for (const { id, op } of operations) {
      expect(Object.keys(op.responses), id).toContain('500');
      expect(Object.keys(op.responses), id).toContain('429');
    }
    expect(doc.paths['/auth/register'].post.requestBody.content['application/json'].example).toEqual({ email: 'ada@example.com', password: 'correct-horse-42', displayName: 'Ada' });
  });

  it('/metrics parses as Prometheus text with the request histogram and business counters', async () => {
    await api.call('GET', '/health');
    const text = (await api.call('GET', '/metrics')).text;
    const families = parsePrometheusTextFormat(text);
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    // the parser folds histogram series together, so the labelled series is read from its _count line
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} [1-9]\d*$/m);
    for (const name of ['companion_messages_total', 'companion_crisis_escalations_total', 'companion_llm_requests_total', 'companion_logins_total']) expect(byName.get(name)?.type, name).toBe('COUNTER');
  });

  it('answers problem+json for unknown routes, with security headers and a request id', async () => {
    const r = await api.call('GET', '/nope');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
  });
});

describe('companion-api data survives a restart of the service', () => {
  let target: ExampleTarget;
  beforeAll(async () => {
    target = await startExampleTarget();
  });
  afterAll(() => target.dispose());

  it('keeps users, conversations, messages and goals', async () => {
    const api = new Api(target.url);
    const user = await api.user();
    const conversation = (await api.call('POST', '/conversations', { token: user.accessToken, body: { title: 'kept' } })).json;
    await api.call('POST', `/conversations/${conversation.id}/messages`, { token: user.accessToken, body: { content: 'remember me' } });
    const goal = (await api.call('POST', '/goals', { token: user.accessToken, body: { title: 'Learn to juggle' } })).json;
    const pid = target.pid;

    await target.restart();
    expect(target.pid).not.toBe(pid);

    const login = await api.call('POST', '/auth/login', { body: { email: user.email, password: user.password } });
    expect(login.status).toBe(200);
    const token = login.json.accessToken;
    const after = await api.call('GET', `/conversations/${conversation.id}`, { token });
    expect(after.status).toBe(200);
    expect(after.json.messages.map((m: { content: string }) => m.content)).toEqual(['remember me', expect.any(String)]);
    expect((await api.call('GET', `/goals/${goal.id}`, { token })).json.tasks).toHaveLength(goal.tasks.length);
  });
});
