// The pure rules of notes-api, unit-tested with node:test (test/rules.test.mjs).

/** Whether any string in a JSON value holds a NUL character (Postgres text cannot store one). */
export function hasNul(value) {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

/** Seconds to announce in Retry-After for a window with `pttlMs` left: rounded up, at least 1. */
export function retryAfterSeconds(pttlMs) {
  return Math.max(1, Math.ceil(pttlMs / 1000));
}

/** The token of an `Authorization: <scheme> <token>` header, or undefined when it is not exactly that. */
export function tokenFrom(header, scheme) {
  const [given, token, extra] = (header ?? '').split(' ');
  return given === scheme && token && extra === undefined ? token : undefined;
}

/** One account, whatever the case and surrounding whitespace of its username. */
export function normaliseAccount(username) {
  return username.trim().toLowerCase();
}
