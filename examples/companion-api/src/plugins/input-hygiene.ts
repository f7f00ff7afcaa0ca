import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../lib/problem.ts';

/** True when any string inside `value` contains a NUL character. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

/**
 * Postgres text cannot hold NUL (\u0000): such a string fails deep in a query as a 500. It is refused
 * at the edge instead, as the client error it is. (Found by Gauntlet's contract fuzzing.)
 */
export function registerInputHygiene(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (hasNul(request.query) || hasNul(request.body) || hasNul(request.params)) {
      throw new HttpProblem(400, 'Bad Request', 'text must not contain NUL (\\u0000) characters');
    }
  });
}
