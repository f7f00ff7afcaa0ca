import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { identifierFor, withId } from '../../openapi/identity.ts';

/**
 * What a walk over a list's pages saw, shared by the offset/page walk (`_lists.ts`) and the cursor
 * walk (`_cursor.ts`): pages no longer than asked, no item on two pages, and at the end the whole
 * list and its total accounted for.
 */
export class PageTally {
  readonly problems: string[] = [];
  failing: { request: HttpRequest; response: HttpResponse } | undefined;
  private readonly seen = new Map<string, number>();

  /** How many distinct items the pages held. */
  get size(): number {
    return this.seen.size;
  }

  /** Page `n` (from 0), asked for `per` items under the parameter `sizeName` (when one was asked). */
  page(n: number, got: Record<string, unknown>[], exchange: { request: HttpRequest; response: HttpResponse }, asked?: { sizeName: string; per: number }): void {
    if (asked && got.length > asked.per) this.problem(`${asked.sizeName}=${asked.per} answered ${got.length} items`, exchange);
    for (const item of got) {
      const key = keyOf(item);
      const earlier = this.seen.get(key);
      if (earlier !== undefined && earlier !== n) this.problem(`the item ${key} is on page ${earlier + 1} and again on page ${n + 1}: the pages overlap`, exchange);
      this.seen.set(key, n);
    }
  }

  /** At the end of the list: every item of the whole list on some page (when `whole` is it), and the total matching. */
  end(whole: Record<string, unknown>[] | undefined, total: { key: string; value: number } | undefined): void {
    if (whole) {
      const missing = whole.map(keyOf).filter((k) => !this.seen.has(k));
      if (missing.length) this.problems.push(`the pages together hold ${this.seen.size} items but the whole list has ${whole.length}: ${missing.slice(0, 5).join(', ')} ${missing.length === 1 ? 'is' : 'are'} on no page`);
    }
    if (total && this.seen.size !== total.value) this.problems.push(`the list's ${total.key} says ${total.value}, the pages hold ${this.seen.size} items`);
  }

  private problem(text: string, exchange: { request: HttpRequest; response: HttpResponse }): void {
    this.problems.push(text);
    this.failing ??= exchange;
  }
}

/** An item's identity on a page: its identifier, else the item itself. */
export const keyOf = (item: Record<string, unknown>) => String(identifierFor(withId(item), 'id') ?? JSON.stringify(item));
