import { describe, expect, it } from 'vitest';
import { itemsIn } from './_queries.ts';

describe('items of a list response', () => {
  it('counts a top-level array, an envelope of one array, and one array beside paging figures; nothing else', () => {
    expect(itemsIn([1, 2, 3])).toBe(3);
    expect(itemsIn({ data: [1, 2] })).toBe(2);
    expect(itemsIn({ articles: [1], articlesCount: 1 })).toBe(1);
    expect(itemsIn({ a: [1], b: [2] })).toBeUndefined();
    expect(itemsIn({ id: 1, name: 'x' })).toBeUndefined();
    expect(itemsIn('text')).toBeUndefined();
  });
});
