import { describe, expect, it } from 'vitest';
import { basePathOf, listOperations } from './operations.ts';

const doc = (servers?: unknown) => ({ openapi: '3.0.3', ...(servers ? { servers } : {}), paths: { '/articles/{slug}': { get: { responses: { 200: { description: 'ok' } } } } } });

describe('the base path', () => {
  it("comes from the path of servers[0].url, absolute or relative, with its variables' defaults", () => {
    expect(basePathOf(doc([{ url: '/api' }]))).toBe('/api');
    expect(basePathOf(doc([{ url: 'https://conduit.example.com/api/' }]))).toBe('/api');
    expect(basePathOf(doc([{ url: 'https://{host}/{version}', variables: { host: { default: 'x.example' }, version: { default: 'v2' } } }]))).toBe('/v2');
    expect(basePathOf(doc([{ url: 'http://localhost:3000' }]))).toBe('');
    expect(basePathOf(doc())).toBe('');
  });

  it('the config wins, even when it says none', () => {
    expect(basePathOf(doc([{ url: '/api' }]), '/v1')).toBe('/v1');
    expect(basePathOf(doc([{ url: '/api' }]), '')).toBe('');
  });

  it('goes before every path that is called; the ids keep the document path', () => {
    const [op] = listOperations(doc(), '/api');
    expect(op).toMatchObject({ id: 'GET /articles/{slug}', path: '/api/articles/{slug}' });
  });
});
