import { createHash } from 'node:crypto';
import type { CheckResult } from '../results/types.ts';

/**
 * A finding's fingerprint: the same for the same cause on every run, whatever the port, the ids, the
 * generated data or the seed (issue #27, item 6). It hashes the stage, the check id without a
 * distinct-failure number (`:boundaries:2` is `:boundaries`: the order of failures may change), and
 * the first line of the message with what varies run to run taken out: placeholders, URLs, emails,
 * quoted values, ids (UUIDs, words with digits) and numbers. What is left says what failed and how
 * ("answered N: a server error, for body.name = N characters").
 */
export function fingerprintOf(check: CheckResult): string {
  return createHash('sha256').update(`${check.stage}\n${idOf(check)}\n${signatureOf(check)}`).digest('hex').slice(0, 16);
}

/** The check id without its distinct-failure number. */
export function idOf(check: CheckResult): string {
  return check.id.replace(/:\d+$/, '');
}

/** The message's first line with what varies between runs taken out. */
export function signatureOf(check: CheckResult): string {
  const first = (check.message ?? '').split('\n')[0] ?? '';
  return first
    .replace(/«[^»]*»/g, '«»')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/(?<!\w)'(?:[^'\\]|\\.)*'(?!\w)/g, "''") // quoted, not an apostrophe (B's … A's)
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, 'URL')
    .replace(/\S+@\S+\.\w+/g, 'EMAIL')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'ID')
    .replace(/\b(?=[\w-]*\d)(?=[\w-]*[a-z])[\w-]{6,}\b/gi, 'ID')
    .replace(/\d+(\.\d+)?/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
}
