import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { HttpProblem } from '../../lib/problem.ts';
import { authenticate, bearerSecurity, requireAdmin } from '../../plugins/auth.ts';
import { idParams } from '../conversations/schemas.ts';

const accountSchema = {
  $id: 'Account',
  type: 'object',
  required: ['id', 'email', 'role', 'createdAt'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' }, email: { type: 'string' }, role: { type: 'string', enum: ['user', 'admin'] }, createdAt: { type: 'string', format: 'date-time' } },
} as const;

interface Row {
  id: string;
  email: string;
  role: 'user' | 'admin';
  created_at: Date;
}
const toAccount = (r: Row) => ({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at.toISOString() });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } });

/** Accounts for support staff (admin): the newest accounts, and one account by id. */
export function accountRoutes(app: FastifyInstance, deps: Deps): void {
  app.addSchema(accountSchema);
  const admin = [authenticate(deps), requireAdmin];
  app.get(
    '/admin/accounts',
    {
      preHandler: admin,
      schema: { summary: 'The newest accounts (admin)', tags: ['accounts'], security: bearerSecurity, response: { 200: { description: 'Accounts, newest first', content: { 'application/json': { schema: { type: 'array', items: { $ref: 'Account#' } } } } }, 403: problem('Not an admin') } },
    },
    async () => (await deps.pool.query<Row>('select id, email, role, created_at from users order by created_at desc limit 50')).rows.map(toAccount),
  );
  app.get<{ Params: { id: string } }>(
    '/admin/accounts/:id',
    {
      // The seam decides whether the role is checked here (the flaw forgets it).
      preHandler: deps.seams.adminOnlyAccountLookup ? admin : [authenticate(deps)],
      schema: { summary: 'One account (admin)', tags: ['accounts'], security: bearerSecurity, params: idParams('id'), response: { 200: { description: 'The account', content: { 'application/json': { schema: { $ref: 'Account#' } } } }, 403: problem('Not an admin'), 404: problem('No such account') } },
    },
    async (request) => {
      const { rows } = await deps.pool.query<Row>('select id, email, role, created_at from users where id = $1', [request.params.id]);
      if (!rows[0]) throw new HttpProblem(404, 'Not Found', 'account not found');
      return toAccount(rows[0]);
    },
  );
}
