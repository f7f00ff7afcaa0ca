import { describe, expect, it } from 'vitest';
import { loadUsers } from './load-users.ts';

describe('load users (the engine builds them: nothing of the example is imported)', () => {
  it('are the same for the same seed, differ between seeds, and are unique within a run', () => {
    const users = loadUsers(200, 7);
    expect(loadUsers(200, 7)).toEqual(users);
    expect(loadUsers(1, 8)[0]).not.toEqual(users[0]);
    for (const field of ['email', 'password', 'username'] as const) expect(new Set(users.map((u) => u[field])).size).toBe(200);
    expect(users[0]).toMatchObject({ email: expect.stringMatching(/^load\.7\.0\.[0-9a-f]{8}@example\.test$/), password: expect.stringMatching(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d).{12,}$/) });
  });

  it('are reshaped by stages.load.data.user for the target sign-up', () => {
    const [user] = loadUsers(1, 1, (u, i) => ({ user: { email: u.email, password: u.password, handle: `${u.username}-${i}` } }));
    expect(user).toEqual({ user: { email: expect.stringMatching(/@example\.test$/), password: expect.any(String), handle: expect.stringMatching(/^load_1_0_.*-0$/) } });
  });
});
