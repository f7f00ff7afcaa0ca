import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../http/send.ts';
import type { Operation } from './operations.ts';
import { orderOperations } from './plan.ts';
import { identifiersIn, ResourceStore, unwrapEnvelope } from './resources.ts';

const op = (method: string, path: string, params: { name: string; schema?: Record<string, unknown> }[] = []): Operation => ({
  id: `${method} ${path}`,
  operationId: undefined,
  method,
  path,
  parameters: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1] as string, in: 'path' as const, required: true, schema: params.find((p) => p.name === m[1])?.schema ?? { type: 'string' } })),
  body: undefined,
  responses: [],
  secured: true,
});
const answer = (json: unknown, status = 200): HttpResponse => ({ status, headers: new Headers(), text: JSON.stringify(json), json, contentType: 'application/json', ms: 1 });
const at = (method: string, path: string): HttpRequest => ({ method, url: `http://127.0.0.1:9${path}`, headers: {} });

describe('resources addressed by natural keys', () => {
  it('binds {slug} to the slug of a wrapped creation, and {username} to a username at any depth', () => {
    const store = new ResourceStore();
    store.remember(op('POST', '/api/recipes'), answer({ recipe: { slug: 'lemon-pie-1', title: 'Lemon pie', author: { username: 'ann' } } }, 201), at('POST', '/api/recipes'));
    expect(store.resolvePath(op('PUT', '/api/recipes/{slug}'), 1)).toEqual({ path: '/api/recipes/lemon-pie-1', resolved: true, invented: [] });
    expect(store.resolvePath(op('GET', '/api/cooks/{username}'), 1).path).toBe('/api/cooks/ann');
  });

  it("gives a child's numeric {id} one of that parent's children, not another parent's", () => {
    const store = new ResourceStore();
    const recipes = op('POST', '/api/recipes');
    const reviews = op('POST', '/api/recipes/{slug}/reviews');
    store.remember(recipes, answer({ recipe: { slug: 'a' } }, 201), at('POST', '/api/recipes'));
    store.remember(reviews, answer({ review: { id: 7 } }, 201), at('POST', '/api/recipes/a/reviews'));
    store.remember(recipes, answer({ recipe: { slug: 'b' } }, 201), at('POST', '/api/recipes'));
    const child = op('DELETE', '/api/recipes/{slug}/reviews/{id}', [{ name: 'id', schema: { type: 'integer' } }]);
    // The newest recipe (b) has no review: its child id is made up and says so.
    const unresolved = store.resolvePath(child, 1);
    expect(unresolved).toMatchObject({ resolved: false, invented: [{ name: 'id' }] });
    expect(unresolved.path).toMatch(/^\/api\/recipes\/b\/reviews\/-?\d+$/);
    store.remember(reviews, answer({ review: { id: 9 } }, 201), at('POST', '/api/recipes/b/reviews'));
    expect(store.resolvePath(child, 1).path).toBe('/api/recipes/b/reviews/9');
  });

  it('follows a rename: an update that answers a new slug replaces the old object', () => {
    const store = new ResourceStore();
    store.remember(op('POST', '/recipes'), answer({ recipe: { slug: 'old' } }, 201), at('POST', '/recipes'));
    store.remember(op('POST', '/recipes/{slug}/reviews'), answer({ review: { id: 3 } }, 201), at('POST', '/recipes/old/reviews'));
    store.remember(op('PUT', '/recipes/{slug}'), answer({ recipe: { slug: 'new' } }), at('PUT', '/recipes/old'));
    expect(store.resolvePath(op('GET', '/recipes/{slug}'), 1).path).toBe('/recipes/new');
    // Its reviews moved with it.
    expect(store.resolvePath(op('DELETE', '/recipes/{slug}/reviews/{id}'), 1).path).toBe('/recipes/new/reviews/3');
    expect(store.created().map((c) => c.collection)).toEqual(['/recipes', '/recipes/new/reviews']);
  });

  it('forgets what a DELETE removed, and prefers its own creations to what a list showed', () => {
    const store = new ResourceStore();
    store.remember(op('POST', '/recipes'), answer({ recipe: { slug: 'mine' } }, 201), at('POST', '/recipes'));
    store.remember(op('GET', '/recipes'), answer({ recipes: [{ slug: 'theirs' }], count: 1 }), at('GET', '/recipes'));
    expect(store.resolvePath(op('GET', '/recipes/{slug}'), 1).path).toBe('/recipes/mine');
    store.forget(op('DELETE', '/recipes/{slug}'), at('DELETE', '/recipes/mine'));
    expect(store.resolvePath(op('GET', '/recipes/{slug}'), 1).path).toBe('/recipes/theirs');
    expect(store.created()).toEqual([]);
  });

  it('does not take a `name` of some other object for an {id}', () => {
    const store = new ResourceStore();
    store.remember(op('POST', '/tags'), answer({ name: 'baking' }, 201), at('POST', '/tags'));
    expect(store.resolvePath(op('GET', '/boards/{id}'), 1).resolved).toBe(false);
  });

  it('unwraps one-key envelopes and collects identifiers at any depth', () => {
    expect(unwrapEnvelope({ data: { id: 'x' } })).toEqual({ id: 'x' });
    expect(unwrapEnvelope({ id: 'x', data: {} })).toEqual({ id: 'x', data: {} });
    expect([...identifiersIn({ recipe: { slug: 's1', author: { username: 'ann' }, title: 'Pie' } })]).toEqual(['s1', 'ann']);
  });
});

describe('operation order', () => {
  it("deletes children before their parents", () => {
    const ordered = orderOperations([op('DELETE', '/recipes/{slug}'), op('DELETE', '/recipes/{slug}/reviews/{id}'), op('POST', '/recipes'), op('POST', '/recipes/{slug}/reviews')], []);
    expect(ordered.map((o) => o.id)).toEqual(['POST /recipes', 'POST /recipes/{slug}/reviews', 'DELETE /recipes/{slug}/reviews/{id}', 'DELETE /recipes/{slug}']);
  });
});
