import { describe, expect, it } from 'vitest';
import { withScheme } from './database-manager.ts';

describe('withScheme', () => {
  it('swaps the scheme only, keeping credentials, host, port and database', () => {
    expect(withScheme('postgres://u:p%40ss@127.0.0.1:5433/app', 'postgresql+asyncpg')).toBe('postgresql+asyncpg://u:p%40ss@127.0.0.1:5433/app');
    expect(withScheme('postgres://u:p@h:1/db', undefined)).toBe('postgres://u:p@h:1/db');
  });
});
