import { describe, expect, it } from 'vitest';
import type { Operation } from './operations.ts';
import { looksAdminOnly } from './plan.ts';

const op = (method: string, path: string, forbidden?: string): Operation => ({
  id: `${method} ${path}`,
  operationId: undefined,
  body: undefined,
  method,
  path,
  parameters: [],
  responses: [{ status: '200', content: [], requiredHeaders: [], links: [] }, ...(forbidden === undefined ? [] : [{ status: '403', content: [], requiredHeaders: [], links: [], ...(forbidden ? { description: forbidden } : {}) }])],
  secured: true,
});

describe('looksAdminOnly', () => {
  it('takes a secured operation that documents a 403 for an admin gate', () => {
    expect(looksAdminOnly(op('GET', '/admin/accounts', ''), [])).toBe(true);
    expect(looksAdminOnly(op('GET', '/admin/accounts', 'admin role required'), [])).toBe(true);
    expect(looksAdminOnly(op('DELETE', '/users/{id}', 'Forbidden: not allowed for your role'), [])).toBe(true);
  });

  it('not when the 403 is explained by the request: a wrong current password, a locked item', () => {
    expect(looksAdminOnly(op('POST', '/me/password', 'The current password is wrong'), [])).toBe(false);
    expect(looksAdminOnly(op('POST', '/orders/{id}/cancel', 'The order is locked'), [])).toBe(false);
  });

  it('not without a 403, or without security', () => {
    expect(looksAdminOnly(op('GET', '/me'), [])).toBe(false);
    expect(looksAdminOnly({ ...op('GET', '/admin', 'admin only'), secured: false }, [])).toBe(false);
  });
});
