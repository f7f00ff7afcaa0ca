import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Seams } from '../seams.ts';
import { HttpProblem } from '../lib/problem.ts';

/** Every error leaves as application/problem+json; 5xx never carry internals. */
export function registerErrorHandling(app: FastifyInstance, seams: Seams): void {
  if (!seams.safeJsonParser) {
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        done(error as Error, undefined); // no statusCode: the error handler turns it into a 500
      }
    });
  }
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Bodies are serialized here, not by the route's response schema, so what is sent is exactly what is built.
    const send = (status: number, body: Record<string, unknown>) => reply.status(status).type('application/problem+json').send(JSON.stringify({ ...body, ...seams.errorExtras(error) }));
    if (error instanceof HttpProblem) {
      reply.headers(error.headers);
      return send(error.status, { type: 'about:blank', title: error.title, status: error.status, ...(error.detail ? { detail: error.detail } : {}) });
    }
    if (error.validation) {
      const errors = error.validation.map((v) => ({ path: `${error.validationContext ?? 'body'}${v.instancePath}`, message: v.message ?? 'is invalid' }));
      return send(400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the request does not match the schema', errors });
    }
    if (databaseUnavailable(error)) {
      // Postgres is down or restarting: a temporary condition the client should retry, not a bug.
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '2');
      return send(503, { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: seams.unavailableDetail(error) });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unhandled error');
    const detail = status === 500 ? 'an unexpected error occurred; it has been logged' : error.message;
    return send(status, { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not Found', status: 404, detail: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, cannot connect now). */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123])/;
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** The database cannot be reached right now (as opposed to a query that is wrong). */
export function databaseUnavailable(error: { code?: unknown; message?: string }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(error.message ?? '');
}
