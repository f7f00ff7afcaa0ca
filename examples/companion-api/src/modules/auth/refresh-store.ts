import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hashRefreshToken, type TokenService } from './token-service.ts';

export type RefreshOutcome = { kind: 'ok'; userId: string; familyId: string } | { kind: 'invalid' } | { kind: 'reused'; familyId: string };

/**
 * Rotating refresh tokens in families. Each refresh marks the presented token rotated and issues a
 * new one in the same family; presenting a rotated token again is reuse (a stolen token): the whole
 * family is revoked.
 */
export class RefreshStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly tokens: TokenService,
    private readonly ttlSeconds: number,
    private readonly detectReuse = true,
  ) {}

  async issue(userId: string, familyId: string = randomUUID()): Promise<string> {
    const { token, hash } = this.tokens.newRefreshToken();
    await this.pool.query(`insert into refresh_tokens (user_id, family_id, token_hash, expires_at) values ($1, $2, $3, now() + make_interval(secs => $4))`, [userId, familyId, hash, this.ttlSeconds]);
    return token;
  }

  async rotate(token: string): Promise<RefreshOutcome> {
    // FOR UPDATE serialises two refreshes of the same token: the second one sees it rotated (reuse).
    const { rows } = await this.pool.query<{ user_id: string; family_id: string; previous_rotated_at: Date | null; revoked_at: Date | null; expired: boolean }>(
      `with old as (select id, rotated_at from refresh_tokens where token_hash = $1 for update)
       update refresh_tokens t set rotated_at = coalesce(t.rotated_at, now()) from old where t.id = old.id
       returning t.user_id, t.family_id, t.revoked_at, t.expires_at < now() as expired, old.rotated_at as previous_rotated_at`,
      [hashRefreshToken(token)],
    );
    const row = rows[0];
    if (!row) return { kind: 'invalid' };
    if (row.previous_rotated_at !== null && this.detectReuse) {
      await this.revokeFamily(row.family_id);
      return { kind: 'reused', familyId: row.family_id };
    }
    if (row.revoked_at !== null || row.expired) return { kind: 'invalid' };
    return { kind: 'ok', userId: row.user_id, familyId: row.family_id };
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.pool.query('update refresh_tokens set revoked_at = coalesce(revoked_at, now()) where family_id = $1', [familyId]);
  }

  async revokeByToken(token: string, userId: string): Promise<void> {
    await this.pool.query(
      `update refresh_tokens set revoked_at = coalesce(revoked_at, now())
        where family_id = (select family_id from refresh_tokens where token_hash = $1 and user_id = $2)`,
      [hashRefreshToken(token), userId],
    );
  }
}
