import type { E2eResponse } from './client.ts';

/**
 * Fails with the request, the status and the body when the status is not one of `expected`: a
 * journey step's failure should say what the target answered, not only that a number differed.
 */
export function expectStatus(response: E2eResponse, ...expected: number[]): E2eResponse {
  if (!expected.includes(response.status)) {
    throw new Error(`${response.what} answered ${response.status}, expected ${expected.join(' or ')}: ${response.text.slice(0, 400)}`);
  }
  return response;
}
