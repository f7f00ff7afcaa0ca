import { describe, expect, it } from 'vitest';
import type { Operation } from '../../openapi/operations.ts';
import { isAction } from './_races.ts';

const op = (method: string, path: string, body?: Operation['body']) => ({ id: `${method} ${path}`, method, path, parameters: [], body, responses: [], secured: true }) as unknown as Operation;
const json = (required: string[]) => ({ required: true, media: [{ contentType: 'application/json', schema: { type: 'object', required } }] });

describe('which operations are raced', () => {
  it('actions on a sub-path of a resource without required body fields', () => {
    expect(isAction(op('POST', '/goals/{id}/tasks/{taskId}/complete'))).toBe(true);
    expect(isAction(op('PUT', '/articles/{slug}/favorite'))).toBe(true);
    expect(isAction(op('POST', '/profiles/{username}/follow', json([])))).toBe(true);
  });

  it('not creations, not reads, not a resource itself, not an action that needs a body', () => {
    expect(isAction(op('POST', '/goals'))).toBe(false);
    expect(isAction(op('GET', '/goals/{id}/story'))).toBe(false);
    expect(isAction(op('PUT', '/goals/{id}'))).toBe(false);
    expect(isAction(op('POST', '/conversations/{id}/messages', json(['content'])))).toBe(false);
  });
});
