import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../http/send.ts';
import type { Operation } from './operations.ts';
import { orderOperations, withReferences } from './plan.ts';
import { identifiersIn, referenceOf, ResourceStore, stemOf, unwrapEnvelope } from './resources.ts';

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

describe('identity across conventions', () => {
  it('takes /recipes/ and /recipes as one collection, and {id}/ after it as its item', () => {
    const store = new ResourceStore();
    store.remember(op('POST', '/recipes/'), answer({ id: 4, title: 'x' }, 201), at('POST', '/recipes/'));
    expect(store.resolvePath(op('GET', '/recipes/{id}/'), 1)).toEqual({ path: '/recipes/4/', resolved: true, invented: [] });
    expect(store.resolvePath(op('GET', '/recipes/{id}'), 1).path).toBe('/recipes/4');
    store.forget(op('DELETE', '/recipes/{id}/'), at('DELETE', '/recipes/4/'));
    expect(store.resolvePath(op('GET', '/recipes/{id}/'), 1).resolved).toBe(false);
  });

  it('reads an id from pk, or from the object\'s own url (DRF hyperlinks), or from a Location header', () => {
    const store = new ResourceStore();
    store.remember(op('POST', '/drones/'), answer({ url: 'http://127.0.0.1:9/drones/3/', name: 'Atom' }, 201), at('POST', '/drones/'));
    store.remember(op('POST', '/pilots/'), answer({ pk: 8, name: 'Ann' }, 201), at('POST', '/pilots/'));
    const located: HttpResponse = { ...answer(undefined, 201), headers: new Headers({ location: '/things/42' }) };
    store.remember(op('POST', '/things'), located, at('POST', '/things'));
    expect(store.resolvePath(op('GET', '/drones/{id}'), 1).path).toBe('/drones/3');
    expect(store.resolvePath(op('GET', '/pilots/{id}'), 1).path).toBe('/pilots/8');
    expect(store.resolvePath(op('GET', '/things/{id}'), 1).path).toBe('/things/42');
  });

  it('finds an item created under its parent at a flat route, preferring nested creations', () => {
    const store = new ResourceStore();
    store.remember(op('POST', '/lists/'), answer({ id: 5 }), at('POST', '/lists/'));
    store.remember(op('POST', '/lists/{id}/items/'), answer({ id: 11 }), at('POST', '/lists/5/items/'));
    store.remember(op('POST', '/cart/items/'), answer({ id: 99 }, 201), at('POST', '/cart/items/'));
    expect(store.resolvePath(op('GET', '/items/{id}'), 1).path).toBe('/items/11');
    // {accountId} in a path names the accounts collection.
    store.remember(op('POST', '/account/'), answer({ id: 7 }, 201), at('POST', '/account/'));
    expect(store.resolvePath(op('GET', '/transaction/account/{accountId}'), 1).path).toBe('/transaction/account/7');
  });

  it('gives body references a resource the user may use: two different ones for a from/to pair, its own id for userId', () => {
    const store = new ResourceStore();
    store.self = 12;
    store.remember(op('POST', '/accounts/'), answer({ id: 1 }, 201), at('POST', '/accounts/'));
    store.remember(op('POST', '/accounts/'), answer({ id: 2 }, 201), at('POST', '/accounts/'));
    store.remember(op('GET', '/drone-categories/'), answer({ count: 1, results: [{ url: 'http://x/drone-categories/4', name: 'Quadcopter' }] }), at('GET', '/drone-categories/'));
    const schema = { type: 'object', properties: { from_account_id: { type: 'integer' }, to_account_id: { type: 'integer' }, userId: { type: 'integer' }, drone_category: { type: 'string' }, note: { type: 'string' } } };
    const body = withReferences({ from_account_id: 100, to_account_id: 200, userId: 300, drone_category: 'x', note: 'y' }, schema, store) as Record<string, unknown>;
    expect(body).toMatchObject({ userId: 12, drone_category: 'Quadcopter', note: 'y' });
    expect([body.from_account_id, body.to_account_id].sort()).toEqual([1, 2]);
    expect(referenceOf('from_account_id')).toEqual({ stem: 'account', by: 'id' });
    expect(referenceOf('productUrl')).toEqual({ stem: 'product', by: 'url' });
    expect(stemOf('drone-categories')).toBe(stemOf('drone_category'));
  });

  it('creates what a body references before the creation that needs it', () => {
    const withBody = (o: Operation, properties: Record<string, unknown>): Operation => ({ ...o, body: { required: true, media: [{ contentType: 'application/json', schema: { type: 'object', properties } }] } });
    const ordered = orderOperations([withBody(op('POST', '/cart/items/'), { product_id: { type: 'integer' } }), withBody(op('POST', '/products/'), { name: { type: 'string' } })], []);
    expect(ordered.map((o) => o.id)).toEqual(['POST /products/', 'POST /cart/items/']);
  });
});

describe('the user\'s own record and identity', () => {
  it('remembers a record of its own (GET /me) for the paths that take its fields, and falls back to the identity the sign-up sent', () => {
    const store = new ResourceStore();
    const follow = op('POST', '/members/{email}/follow');
    store.identity = { email: 'own@example.com' };
    // Nothing returned holds an email yet: the user's own, as the sign-up sent it.
    expect(store.resolvePath(follow, 1)).toMatchObject({ path: '/members/own%40example.com/follow', resolved: true });
    // A record of its own, with an array of plain values beside its identity.
    store.remember(op('GET', '/me'), answer({ id: 7, email: 'me@example.com', roles: ['user'] }), at('GET', '/me'));
    expect(store.resolvePath(follow, 1).path).toBe('/members/me%40example.com/follow');
    expect(store.resolvePath(op('GET', '/me/{id}'), 1).path).toBe('/me/7');
  });
});
