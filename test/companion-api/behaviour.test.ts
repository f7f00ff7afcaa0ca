import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.ts';
import { startExampleTarget, type ExampleTarget } from '../helpers/example-target.ts';

const ADMIN = 'admin.behaviour@example.com';

describe('companion-api behaviour over HTTP (healthy upstream)', () => {
  let target: ExampleTarget;
  let api: Api;
  beforeAll(async () => {
    target = await startExampleTarget({ env: { ADMIN_EMAILS: ADMIN, RATE_LIMIT_CHAT: '3' } });
    api = new Api(target.url);
  });
  afterAll(() => target.dispose());

  it('escalates a crisis message with resources, and an admin lists and resolves it', async () => {
    const u = await api.user();
    const admin = await api.user({ email: ADMIN });
    const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'hard night' } })).json.id;
    const r = await api.call('POST', `/conversations/${id}/messages`, { token: u.accessToken, body: { content: 'I want to kill myself tonight' } });
    expect(r.status).toBe(201);
    expect(r.json.risk.level).toBe('high');
    expect(r.json.crisisResources.length).toBeGreaterThan(0);
    expect(r.json.reply.content).toMatch(/^It sounds like you're going through something really painful/);
    expect((await api.call('GET', '/admin/escalations', { token: u.accessToken })).status).toBe(403);
    const open = await api.call('GET', '/admin/escalations?status=open', { token: admin.accessToken });
    expect(open.json.map((e: { id: string }) => e.id)).toContain(r.json.escalationId);
    const resolved = await api.call('POST', `/admin/escalations/${r.json.escalationId}/resolve`, { token: admin.accessToken, body: { note: 'called, safe' } });
    expect(resolved.json).toMatchObject({ status: 'resolved', resolutionNote: 'called, safe' });
  });

  it('streams a reply as server-sent events: tokens, then done with the stored exchange', async () => {
    const u = await api.user();
    const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'sse' } })).json.id;
    const response = await fetch(`${target.url}/conversations/${id}/messages/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${u.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'tell me something kind' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = (await response.text()).trim().split('\n\n').map((block) => ({ event: /^event: (.+)$/m.exec(block)?.[1], data: JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? 'null') }));
    const tokens = events.filter((e) => e.event === 'token').map((e) => e.data.delta as string);
    expect(tokens.length).toBeGreaterThan(3);
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data.reply.content).toBe(tokens.join(''));
    expect((await api.call('GET', `/conversations/${id}`, { token: u.accessToken })).json.messages).toHaveLength(2);
  });

  it('turns an uploaded voice clip into a message with its transcript', async () => {
    const u = await api.user();
    const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'voice' } })).json.id;
    const form = new FormData();
    form.set('audio', new Blob([Buffer.from('TRANSCRIPT: I had a calm day')], { type: 'audio/webm' }), 'clip.webm');
    const r = await fetch(`${target.url}/conversations/${id}/voice`, { method: 'POST', headers: { authorization: `Bearer ${u.accessToken}` }, body: form });
    expect(r.status).toBe(201);
    const body = (await r.json()) as { transcript: string; message: { content: string } };
    expect(body.transcript).toBe('I had a calm day');
    expect(body.message.content).toBe('I had a calm day');
  });

  it('refuses audio over 5 MB with 413, and a JSON body over 1 MB with 413', async () => {
    const u = await api.user();
    const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'big' } })).json.id;
    const form = new FormData();
    form.set('audio', new Blob([Buffer.alloc(5 * 1024 * 1024 + 1)], { type: 'audio/webm' }), 'big.webm');
    const voice = await fetch(`${target.url}/conversations/${id}/voice`, { method: 'POST', headers: { authorization: `Bearer ${u.accessToken}` }, body: form });
    expect(voice.status).toBe(413);
    const big = await api.call('POST', '/auth/login', { raw: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toContain('application/problem+json');
  });

  it('limits chat per user: 429 with Retry-After and RateLimit headers', async () => {
    const u = await api.user();
    const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'limits' } })).json.id;
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await api.call('POST', `/conversations/${id}/messages`, { token: u.accessToken, body: { content: `hi ${i}` } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(last?.headers.get('ratelimit-limit')).toBe('3');
    expect(last?.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('decomposes a goal, tracks progress, and tells its story once every task is done', async () => {
    const u = await api.user();
    const goal = (await api.call('POST', '/goals', { token: u.accessToken, body: { title: 'Read 12 books this year' } })).json;
    expect(goal.tasks.length).toBeGreaterThanOrEqual(3);
    expect((await api.call('GET', `/goals/${goal.id}/story`, { token: u.accessToken })).status).toBe(409);
    for (const task of goal.tasks) expect((await api.call('POST', `/goals/${goal.id}/tasks/${task.id}/complete`, { token: u.accessToken })).json.done).toBe(true);
    const progress = (await api.call('GET', '/progress', { token: u.accessToken })).json;
    expect(progress).toMatchObject({ goals: 1, goalsCompleted: 1, tasksTotal: goal.tasks.length, tasksDone: goal.tasks.length, completionRate: 1, currentStreakDays: 1, longestStreakDays: 1 });
    const story = await api.call('GET', `/goals/${goal.id}/story`, { token: u.accessToken });
    expect(story.status).toBe(200);
    expect((await api.call('GET', `/goals/${goal.id}/story`, { token: u.accessToken })).json.story).toBe(story.json.story);
  });
});

describe('companion-api when the upstream is down: degraded, never a 500', () => {
  let target: ExampleTarget;
  let api: Api;
  beforeAll(async () => {
    target = await startExampleTarget({ env: { LLM_BASE_URL: 'http://127.0.0.1:9', LLM_RETRIES: '0' } });
    api = new Api(target.url);
  });
  afterAll(() => target.dispose());

  it('answers a chat message with a fallback reply marked degraded', async () => {
    const u = await api.user();
    const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'down' } })).json.id;
    const r = await api.call('POST', `/conversations/${id}/messages`, { token: u.accessToken, body: { content: 'are you there?' } });
    expect(r.status).toBe(201);
    expect(r.json.reply.degraded).toBe(true);
  });

  it('answers goal creation, streaming and voice with 503 and Retry-After', async () => {
    const u = await api.user();
    const goal = await api.call('POST', '/goals', { token: u.accessToken, body: { title: 'Learn Spanish' } });
    expect(goal.status).toBe(503);
    expect(Number(goal.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'down' } })).json.id;
    const stream = await api.call('POST', `/conversations/${id}/messages/stream`, { token: u.accessToken, body: { content: 'hello' } });
    expect(stream.status).toBe(503);
    expect(stream.headers.get('retry-after')).not.toBeNull();
  });

  it('reports the upstream as degraded in /health once the circuit opens, still 200', async () => {
    const u = await api.user();
    const id = (await api.call('POST', '/conversations', { token: u.accessToken, body: { title: 'trip' } })).json.id;
    for (let i = 0; i < 5; i++) await api.call('POST', `/conversations/${id}/messages`, { token: u.accessToken, body: { content: `ping ${i}` } });
    const health = await api.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'degraded', checks: { database: { status: 'up' }, upstream: { status: 'degraded' } } });
  });
});
