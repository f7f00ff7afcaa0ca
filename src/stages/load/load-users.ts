import { createHash } from 'node:crypto';

/** A user the k6 script signs up and logs in as (DATA_FILE's `users`). */
export interface LoadUser {
  email: string;
  password: string;
  username: string;
  displayName: string;
  [field: string]: unknown;
}

/** `stages.load.data.user`: reshapes each generated user for the target's sign-up (extra fields, other names). */
export type LoadUserBuilder = (user: LoadUser, index: number) => Record<string, unknown>;

/**
 * The load stage's test users, generic and seeded: user i of seed s is the same on every run and every
 * machine, unique within a run, and never a real domain. A hash of (seed, i) instead of faker: the
 * engine needs no data library of the example's (factories/ stays the example's), and the values only
 * have to be unique, valid and reproducible. A target that wants other fields reshapes them with
 * `stages.load.data.user`.
 */
export function loadUsers(count: number, seed: number, build?: LoadUserBuilder): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => {
    const hex = createHash('sha256').update(`gauntlet-load:${seed}:${index}`).digest('hex');
    const user: LoadUser = {
      email: `load.${seed}.${index}.${hex.slice(0, 8)}@example.test`,
      // Upper and lower case, digits and a symbol: passes the usual password rules.
      password: `Gx-${hex.slice(8, 20)}-9a`,
      username: `load_${seed}_${index}_${hex.slice(20, 26)}`,
      displayName: `Load User ${seed}-${index}`,
    };
    return build ? build(user, index) : user;
  });
}
