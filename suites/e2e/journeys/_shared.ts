import { randomBytes } from 'node:crypto';
import { createFactories, type Factories, type UserData } from '../../../factories/index.ts';
import { expectStatus, type JourneyKit } from '../../../src/e2e/index.ts';
import type { Session } from '../../../src/http/session.ts';

/** One tag per test process: journeys re-run against a long-lived environment still get new accounts. */
const RUN = randomBytes(3).toString('hex');

/** Seeded factories for one journey: the seed of stages.e2e plus the journey's own offset. */
export function factoriesFor(kit: JourneyKit, offset: number): Factories {
  return createFactories((kit.config.stages.e2e?.seed ?? 1) * 1_000 + offset);
}

/** A factory-built user whose email is unique to this run (the rest of the data is seeded). */
export function newUser(f: Factories): UserData {
  const user = f.users.build();
  return { ...user, email: user.email.replace('@', `.r${RUN}@`) };
}

export const credentialsOf = (u: UserData) => ({ email: u.email, password: u.password, name: u.displayName });

export interface SignedIn {
  f: Factories;
  user: UserData;
  session: Session;
}

/** The two opening steps every journey shares: register through target.auth, then log in. */
export function signUpSteps<S extends SignedIn>(offset: number) {
  return {
    'register a new user': async (k: JourneyKit, s: S) => {
      s.f = factoriesFor(k, offset);
      s.user = newUser(s.f);
      expectStatus(await k.client.register(credentialsOf(s.user)), 200, 201);
    },
    'log in': async (k: JourneyKit, s: S) => {
      s.session = await k.client.logIn(credentialsOf(s.user));
    },
  };
}

/** Fails with the reason unless `condition` holds. */
export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
