import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  messages: Counter<'role'>;
  escalations: Counter;
  llmRequests: Counter<'outcome'>;
  logins: Counter<'outcome'>;
  dbQueries: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    messages: new Counter({ name: 'companion_messages_total', help: 'Messages stored, by role', labelNames: ['role'], registers: [registry] }),
    escalations: new Counter({ name: 'companion_crisis_escalations_total', help: 'Crisis escalations created', registers: [registry] }),
    llmRequests: new Counter({ name: 'companion_llm_requests_total', help: 'Upstream LLM calls by outcome', labelNames: ['outcome'], registers: [registry] }),
    logins: new Counter({ name: 'companion_logins_total', help: 'Login attempts by outcome', labelNames: ['outcome'], registers: [registry] }),
    dbQueries: new Counter({ name: 'companion_db_queries_total', help: 'Queries sent to Postgres', registers: [registry] }),
  };
}

/** Request duration histogram by route and status, and GET /metrics in Prometheus text format. */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['ops'], response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
