import { en, Faker } from '@faker-js/faker';

/**
 * Seeded data factories for companion-like domains: the same seed builds the same data, so a load
 * run or a test can be reproduced. Each factory builds plain objects shaped like the API's request
 * bodies; traits are named variants (`users.admin()`, `messages.crisis()`).
 */
export interface UserData {
  email: string;
  password: string;
  displayName: string;
}

export interface Factories {
  users: { build(overrides?: Partial<UserData>): UserData; admin(overrides?: Partial<UserData>): UserData; many(n: number): UserData[] };
  conversations: { build(): { title: string } };
  messages: { build(): { content: string }; crisis(): { content: string } };
  goals: { build(): { title: string } };
  /** Voice recordings for upload. The example's speech mock transcribes a clip that starts with "TRANSCRIPT: " to that text. */
  audio: { clip(): AudioClip; crisis(): AudioClip };
}

export interface AudioClip {
  content: Buffer;
  filename: string;
  contentType: string;
  /** What speech-to-text should hear. */
  transcript: string;
}

/** Phrases a risk scorer must treat as a crisis (the example target's scorer does). */
const CRISIS = ['I want to end my life', 'I have been thinking about killing myself', 'I feel hopeless and want to die', 'I wish I were dead'];

export function createFactories(seed = 1): Factories {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  let n = 0;
  const user = (overrides: Partial<UserData> = {}, prefix = 'user'): UserData => {
    n += 1;
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    return {
      // Unique per build (a counter), readable, and never a real domain.
      email: `${prefix}.${first}.${last}.${seed}.${n}@example.test`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      password: `${faker.string.alphanumeric(12)}-${faker.number.int({ min: 10, max: 99 })}`,
      displayName: `${first} ${last}`,
      ...overrides,
    };
  };
  return {
    users: {
      build: (overrides) => user(overrides),
      admin: (overrides) => user(overrides, 'admin'),
      many: (count) => Array.from({ length: count }, () => user()),
    },
    conversations: { build: () => ({ title: faker.lorem.words({ min: 2, max: 5 }) }) },
    messages: {
      build: () => ({ content: faker.lorem.sentence({ min: 4, max: 16 }) }),
      crisis: () => ({ content: `${faker.helpers.arrayElement(CRISIS)}. ${faker.lorem.sentence()}` }),
    },
    goals: { build: () => ({ title: `${faker.word.verb()} ${faker.word.noun()} ${faker.number.int({ min: 2, max: 12 })} times a week` }) },
    audio: {
      clip: () => clip(faker.lorem.sentence({ min: 5, max: 12 })),
      crisis: () => clip(`${faker.helpers.arrayElement(CRISIS)}. ${faker.lorem.sentence()}`),
    },
  };

  function clip(transcript: string): AudioClip {
    n += 1;
    // The transcript header, then seeded bytes standing in for the recording (a few KiB, like a short clip).
    const noise = Buffer.from(faker.string.hexadecimal({ length: 4_096, prefix: '' }), 'hex');
    return { content: Buffer.concat([Buffer.from(`TRANSCRIPT: ${transcript}\n`), noise]), filename: `clip-${seed}-${n}.webm`, contentType: 'audio/webm', transcript };
  }
}
