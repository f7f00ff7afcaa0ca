import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';

const check = { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['up', 'down', 'degraded'] }, detail: { type: 'string' } } };
const healthSchema = {
  type: 'object',
  required: ['status', 'checks'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'down'] },
    checks: { type: 'object', required: ['database', 'redis', 'upstream'], additionalProperties: false, properties: { database: check, redis: check, upstream: check } },
  },
};

/**
 * A dependency's state, for anyone who can reach /health: whether it answered, never what its driver
 * said (`connect ECONNREFUSED 10.0.3.7:5432` would hand out the deployment's addresses). The driver's
 * message goes to the log.
 */
async function probe(fn: () => Promise<unknown>, log: FastifyInstance['log'], name: string, timeoutMs = 1_000): Promise<{ status: 'up' | 'down'; detail?: string }> {
  let timedOut = false;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) =>
        setTimeout(() => {
          timedOut = true;
          reject(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs).unref(),
      ),
    ]);
    return { status: 'up' };
  } catch (error) {
    log.warn({ err: error }, `health: ${name} is down`);
    return { status: 'down', detail: timedOut ? `no answer within ${timeoutMs} ms` : 'unreachable' };
  }
}

/** 200 when the database answers (Redis or upstream trouble makes it "degraded"); 503 when the database is down. */
export function healthRoutes(app: FastifyInstance, deps: Deps): void {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Dependency health',
        tags: ['ops'],
        response: {
          200: { description: 'Serving (possibly degraded)', content: { 'application/json': { schema: healthSchema } } },
          503: { description: 'The database is down', content: { 'application/json': { schema: healthSchema } } },
        },
      },
    },
    async (_request, reply) => {
      const [database, redis] = await Promise.all([probe(() => deps.pool.query('select 1'), app.log, 'the database'), probe(() => deps.redis.ping(), app.log, 'redis')]);
      const breaker = deps.llm.breaker.state;
      const upstream = breaker === 'closed' ? { status: 'up' as const } : { status: 'degraded' as const, detail: `circuit ${breaker}` };
      const status = database.status === 'down' ? 'down' : redis.status === 'down' || upstream.status !== 'up' ? 'degraded' : 'ok';
      return reply.status(status === 'down' ? 503 : 200).send({ status, checks: { database, redis, upstream } });
    },
  );
}
