import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { HttpProblem } from '../../lib/problem.ts';
import { authenticate, bearerSecurity, requireAdmin } from '../../plugins/auth.ts';
import { idParams } from '../conversations/schemas.ts';

const escalationSchema = {
  $id: 'Escalation',
  type: 'object',
  required: ['id', 'userId', 'messageId', 'riskScore', 'status', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    userId: { type: 'string', format: 'uuid' },
    messageId: { type: 'string', format: 'uuid' },
    riskScore: { type: 'number' },
    status: { type: 'string', enum: ['open', 'resolved'] },
    resolutionNote: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    resolvedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

interface Row {
  id: string;
  user_id: string;
  message_id: string;
  risk_score: number;
  status: 'open' | 'resolved';
  resolution_note: string | null;
  created_at: Date;
  resolved_at: Date | null;
}
const toEscalation = (r: Row) => ({ id: r.id, userId: r.user_id, messageId: r.message_id, riskScore: r.risk_score, status: r.status, resolutionNote: r.resolution_note, createdAt: r.created_at.toISOString(), resolvedAt: r.resolved_at?.toISOString() ?? null });
const forbidden = { description: 'Not an admin', content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } };

export function escalationRoutes(app: FastifyInstance, deps: Deps): void {
  app.addSchema(escalationSchema);
  const admin = [authenticate(deps), requireAdmin];
  app.get<{ Querystring: { status?: 'open' | 'resolved' } }>(
    '/admin/escalations',
    {
      preHandler: admin,
      schema: {
        summary: 'Crisis escalations (admin)',
        tags: ['crisis'],
        security: bearerSecurity,
        querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['open', 'resolved'] } } },
        response: { 200: { description: 'Escalations, newest first', content: { 'application/json': { schema: { type: 'array', items: { $ref: 'Escalation#' } } } } }, 403: forbidden },
      },
    },
    async (request) => {
      const { rows } = await deps.pool.query<Row>('select * from escalations where ($1::text is null or status = $1) order by created_at desc limit 200', [request.query.status ?? null]);
      return rows.map(toEscalation);
    },
  );
  app.post<{ Params: { id: string }; Body: { note: string } }>(
    '/admin/escalations/:id/resolve',
    {
      preHandler: admin,
      schema: {
        summary: 'Resolve an escalation (admin)',
        tags: ['crisis'],
        security: bearerSecurity,
        params: idParams('id'),
        body: { type: 'object', required: ['note'], additionalProperties: false, properties: { note: { type: 'string', minLength: 1, maxLength: 2000 } }, examples: [{ note: 'Reached out by phone; user is safe and connected to local services.' }] },
        response: { 200: { description: 'Resolved', content: { 'application/json': { schema: { $ref: 'Escalation#' } } } }, 403: forbidden, 404: { description: 'No such escalation', content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } } },
      },
    },
    async (request) => {
      const { rows } = await deps.pool.query<Row>(
        `update escalations set status = 'resolved', resolution_note = $2, resolved_at = coalesce(resolved_at, now()) where id = $1 returning *`,
        [request.params.id, request.body.note],
      );
      if (!rows[0]) throw new HttpProblem(404, 'Not Found', 'escalation not found');
      return toEscalation(rows[0]);
    },
  );
}
