export const taskSchema = {
  $id: 'Task',
  type: 'object',
  required: ['id', 'position', 'title', 'done', 'doneAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    position: { type: 'integer', minimum: 1 },
    title: { type: 'string' },
    done: { type: 'boolean' },
    doneAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const goalSchema = {
  $id: 'Goal',
  type: 'object',
  required: ['id', 'title', 'createdAt', 'tasks', 'tasksDone', 'story'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    title: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    tasks: { type: 'array', items: { $ref: 'Task#' } },
    tasksDone: { type: 'integer', minimum: 0, description: 'How many of its tasks are done (a counter kept with the goal)' },
    story: { type: ['string', 'null'] },
  },
} as const;

export const progressSchema = {
  type: 'object',
  required: ['goals', 'goalsCompleted', 'tasksTotal', 'tasksDone', 'completionRate', 'currentStreakDays', 'longestStreakDays'],
  additionalProperties: false,
  properties: {
    goals: { type: 'integer', minimum: 0 },
    goalsCompleted: { type: 'integer', minimum: 0 },
    tasksTotal: { type: 'integer', minimum: 0 },
    tasksDone: { type: 'integer', minimum: 0 },
    completionRate: { type: 'number', minimum: 0, maximum: 1 },
    currentStreakDays: { type: 'integer', minimum: 0, description: 'Consecutive UTC days up to today with at least one task done' },
    longestStreakDays: { type: 'integer', minimum: 0 },
  },
} as const;
