import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Deps } from './deps.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { tokenPairSchema, userSchema } from './modules/auth/schemas.ts';
import { conversationRoutes } from './modules/conversations/routes.ts';
import { conversationSchema, exchangeSchema, messageSchema } from './modules/conversations/schemas.ts';
import { accountRoutes } from './modules/accounts/routes.ts';
import { escalationRoutes } from './modules/crisis/routes.ts';
import { goalRoutes } from './modules/goals/routes.ts';
import { healthRoutes } from './modules/ops/health.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { registerInputHygiene } from './plugins/input-hygiene.ts';
import { registerMetrics } from './plugins/metrics.ts';
import { registerOpenApi } from './plugins/openapi.ts';
import { limitsFrom, registerGlobalLimit } from './plugins/rate-limits.ts';

/** Builds the whole API from its dependencies; listening is main.ts's job (tests use inject()). */
export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const { config } = deps;
  const trustProxy = config.TRUST_PROXY.trim() ? config.TRUST_PROXY.split(',').map((s) => s.trim()) : false;
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy,
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && /^[\w-]{1,64}$/.test(req.headers['x-request-id']) ? req.headers['x-request-id'] : randomUUID()),
    // No type coercion: `{"title": 12345}` is a client error, not the string "12345" (all parameters here are strings).
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: false } },
  });
  registerErrorHandling(app, deps.seams);
  registerInputHygiene(app);
  app.addHook('onRequest', async (request) => {
    deps.seams.retainRequest(request);
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (deps.seams.securityHeaders) await app.register(helmet, { global: true });
  const allowed = new Set(config.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean));
  await app.register(cors, { origin: (origin, cb) => cb(null, deps.seams.corsAllows(origin, allowed)), credentials: true });
  await registerOpenApi(app);
  for (const schema of [userSchema, tokenPairSchema, conversationSchema, messageSchema, exchangeSchema]) app.addSchema(schema);
  const limits = limitsFrom(config);
  registerGlobalLimit(app, deps, limits);
  registerMetrics(app, deps.metrics);
  healthRoutes(app, deps);
  authRoutes(app, deps, limits);
  await conversationRoutes(app, deps, limits);
  escalationRoutes(app, deps);
  accountRoutes(app, deps);
  goalRoutes(app, deps);
  return app;
}
