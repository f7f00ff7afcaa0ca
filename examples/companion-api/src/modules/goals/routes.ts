import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { HttpProblem } from '../../lib/problem.ts';
import { authenticate, bearerSecurity } from '../../plugins/auth.ts';
import { UpstreamError } from '../../upstream/llm-client.ts';
import { idParams } from '../conversations/schemas.ts';
import { decomposeGoal, STORY_PROMPT } from './decompose.ts';
import { GoalRepository } from './repository.ts';
import { goalSchema, progressSchema, taskSchema } from './schemas.ts';

const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } });
const unavailable = problem('The AI upstream is unavailable; see Retry-After');

function upstreamDown(error: unknown): never {
  if (!(error instanceof UpstreamError)) throw error;
  throw new HttpProblem(503, 'Service Unavailable', 'the AI service is unavailable; try again shortly', { 'retry-after': String(error.retryAfterSeconds ?? 5) });
}

export function goalRoutes(app: FastifyInstance, deps: Deps): void {
  app.addSchema(taskSchema);
  app.addSchema(goalSchema);
  const repo = new GoalRepository(deps.pool, deps.seams);
  const auth = authenticate(deps);
  const mine = async (userId: string, id: string) => {
    const goal = await repo.get(userId, id);
    if (!goal) throw new HttpProblem(404, 'Not Found', 'goal not found');
    return goal;
  };

  app.post<{ Body: { title: string; options?: { taskCount: number | null } } }>(
    '/goals',
    {
      preHandler: auth,
      schema: {
        summary: 'Create a goal; the AI decomposes it into tasks',
        tags: ['goals'],
        security: bearerSecurity,
        body: {
          type: 'object',
          required: ['title'],
          additionalProperties: false,
          properties: {
            title: { type: 'string', minLength: 3, ...(deps.seams.goalTitleMaxLength === undefined ? {} : { maxLength: deps.seams.goalTitleMaxLength }) },
            options: {
              type: 'object',
              required: ['taskCount'],
              additionalProperties: false,
              properties: { taskCount: { type: ['integer', 'null'], minimum: 1, maximum: 10, description: 'At most this many tasks; null: no preference (10)' } },
            },
          },
          examples: [{ title: 'Run a 5k in under 30 minutes' }],
        },
        response: { 201: json({ $ref: 'Goal#' }, 'The goal with its tasks'), 503: unavailable },
      },
    },
    async (request, reply) => {
      const taskCount = deps.seams.taskCountOf(request.body.options);
      const tasks = (await decomposeGoal(deps.llm, request.body.title).catch(upstreamDown)).slice(0, taskCount);
      deps.metrics.llmRequests.inc({ outcome: 'success' });
      await deps.seams.indexGoalTitle(deps.pool, request.body.title);
      return reply.status(201).send(await repo.create(request.user.id, request.body.title, tasks));
    },
  );

  app.get('/goals', { preHandler: auth, schema: { summary: 'My goals', tags: ['goals'], security: bearerSecurity, response: { 200: json({ type: 'array', items: { $ref: 'Goal#' } }, 'Goals, newest first') } } }, async (request) =>
    repo.list(request.user.id, deps.seams.goalListTitle),
  );

  app.get<{ Params: { id: string } }>(
    '/goals/:id',
    { preHandler: auth, schema: { summary: 'A goal with its tasks', tags: ['goals'], security: bearerSecurity, params: idParams('id'), response: { 200: json({ $ref: 'Goal#' }, 'The goal'), 404: problem('No such goal of yours') } } },
    async (request) => mine(request.user.id, request.params.id),
  );

  app.post<{ Params: { id: string; taskId: string } }>(
    '/goals/:id/tasks/:taskId/complete',
    { preHandler: auth, schema: { summary: 'Mark a task done (idempotent)', tags: ['goals'], security: bearerSecurity, params: idParams('id', 'taskId'), response: { 200: json({ $ref: 'Task#' }, 'The task'), 404: problem('No such task of yours') } } },
    async (request) => {
      const task = await repo.completeTask(request.user.id, request.params.id, request.params.taskId);
      if (!task) throw new HttpProblem(404, 'Not Found', 'task not found');
      return task;
    },
  );

  app.get('/progress', { preHandler: auth, schema: { summary: 'Progress over all goals: counts, completion rate, streaks', tags: ['goals'], security: bearerSecurity, response: { 200: json(progressSchema, 'Progress') } } }, async (request) =>
    repo.progress(request.user.id),
  );

  app.get<{ Params: { id: string } }>(
    '/goals/:id/story',
    {
      preHandler: auth,
      schema: {
        summary: 'The story of a finished goal (generated once, when every task is done)',
        tags: ['goals'],
        security: bearerSecurity,
        params: idParams('id'),
        response: {
          200: json({ type: 'object', required: ['goalId', 'story'], additionalProperties: false, properties: { goalId: { type: 'string', format: 'uuid' }, story: { type: 'string' } } }, 'The story'),
          404: problem('No such goal of yours'),
          409: problem('Tasks remain to be done'),
          503: unavailable,
        },
      },
    },
    async (request) => {
      const goal = await mine(request.user.id, request.params.id);
      if (goal.story) return { goalId: goal.id, story: goal.story };
      const open = goal.tasks.filter((t) => !t.done).length;
      if (open > 0) throw new HttpProblem(409, 'Conflict', `${open} task${open === 1 ? '' : 's'} still to do`);
      const prompt = `Goal: ${goal.title}\nTasks: ${goal.tasks.map((t) => t.title).join('; ')}`;
      const story = await deps.llm.complete([{ role: 'system', content: STORY_PROMPT }, { role: 'user', content: prompt }]).catch(upstreamDown);
      return { goalId: goal.id, story: await repo.saveStoryOnce(goal.id, story) };
    },
  );
}
