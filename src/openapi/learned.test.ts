import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../http/send.ts';
import type { Operation } from './operations.ts';
import { withCurrentReferences } from './learned.ts';
import { ResourceStore } from './resources.ts';

const op = (method: string, path: string): Operation => ({ id: `${method} ${path}`, operationId: undefined, method, path, parameters: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1] as string, in: 'path' as const, required: true, schema: { type: 'integer' } })), body: undefined, responses: [], secured: true });
const answer = (json: unknown, status = 201): HttpResponse => ({ status, headers: new Headers(), text: JSON.stringify(json), json, contentType: 'application/json', ms: 1 });
const at = (method: string, path: string): HttpRequest => ({ method, url: `http://127.0.0.1:9${path}`, headers: {} });

describe('references a remedy taught, as they are now', () => {
  it('replaces one Gauntlet deleted since with one that exists, keeps sibling fields distinct, and leaves live ones and plain fields alone', () => {
    const store = new ResourceStore();
    const create = op('POST', '/accounts');
    for (const id of [1, 2, 3]) store.remember(create, answer({ id }), at('POST', '/accounts'));
    const transfer = op('POST', '/transfers');
    const taught = { from_account_id: 1, to_account_id: 2, amount: 5 };
    expect(withCurrentReferences(transfer, taught, store)).toEqual(taught);
    // The stage's own DELETE took account 2 away.
    store.forget(op('DELETE', '/accounts/{id}'), at('DELETE', '/accounts/2'));
    expect(withCurrentReferences(transfer, taught, store)).toEqual({ from_account_id: 1, to_account_id: 3, amount: 5 });
    // A collection the store does not track keeps its value.
    expect(withCurrentReferences(transfer, { category_id: 9 }, store)).toEqual({ category_id: 9 });
  });
});
