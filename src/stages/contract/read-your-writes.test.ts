import { describe, expect, it } from 'vitest';
import { difference } from './_read-your-writes.ts';

describe('read your writes: what counts as the same value', () => {
  it('allows the transformations APIs are entitled to', () => {
    expect(difference('title', '  Lemon pie ', 'Lemon pie')).toBeUndefined();
    expect(difference('email', 'Ann@Example.com', 'ann@example.com')).toBeUndefined();
    expect(difference('body', '<b>hi</b>', '&lt;b&gt;hi&lt;/b&gt;')).toBeUndefined();
    expect(difference('price', 1.5, '1.50')).toBeUndefined();
    expect(difference('due', '2026-12-06T10:00:00Z', '2026-12-06T10:00:00.000Z')).toBeUndefined();
    expect(difference('category', 'cakes', { id: 3, name: 'cakes' })).toBeUndefined();
  });

  it('names what went wrong', () => {
    expect(difference('title', 'Lemon pie', 'Lemon p')).toMatch(/sent with 9 characters and reads back with 7: the text was cut short/);
    expect(difference('done', false, true)).toMatch(/a false was ignored/);
    expect(difference('count', 0, 3)).toMatch(/a 0 was ignored/);
    expect(difference('note', null, 'old')).toMatch(/a null was ignored/);
    expect(difference('title', 'Lemon pie', null)).toMatch(/the write dropped it/);
    expect(difference('title', 'Lemon pie', 'Apple pie')).toMatch(/sent as "Lemon pie" and reads back as "Apple pie"/);
  });
});
