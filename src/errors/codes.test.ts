import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './codes.ts';
import { formatError, GauntletError } from './gauntlet-error.ts';

describe('error catalogue', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it.each(Object.keys(ERROR_CODES))('%s is documented in docs/errors.md', (code) => {
    expect(doc).toMatch(new RegExp(`^## ${code}$`, 'm'));
  });

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^## (GAUNTLET_\w+)$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('prints user errors as code, cause, detail and fix, without a stack', () => {
    const text = formatError(new GauntletError('GAUNTLET_BINARY_MISSING', 'initdb was not found.', { detail: ['looked in PATH'], fix: 'apt-get install postgresql' }));
    expect(text).toBe('GAUNTLET_BINARY_MISSING: initdb was not found.\n  looked in PATH\nFix: apt-get install postgresql');
  });

  it('prints internal errors with their stack and how to get more detail', () => {
    const text = formatError(new TypeError('x is undefined'));
    expect(text).toMatch(/^GAUNTLET_INTERNAL/);
    expect(text).toContain('TypeError: x is undefined');
    expect(text).toContain('DEBUG=gauntlet:*');
  });
});
