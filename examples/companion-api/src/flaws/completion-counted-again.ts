import type { TaskRow } from '../modules/goals/repository.ts';
import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'completion-counted-again',
  summary: "Marking a task done counts it on the goal every time, also when it was done already: a client that retries the request (the route is documented idempotent) moves tasksDone past the tasks done.",
  caughtBy: 'contract: `contract:POST /goals/{id}/tasks/{taskId}/complete:counter` (tasksDone against the tasks marked done, after the action and after it is sent again)',
  apply(seams) {
    seams.markTaskDone = async (pool, userId, goalId, taskId) => {
      const select = 'select t.id, t.goal_id, t.position, t.title, t.done_at from tasks t join goals g on g.id = t.goal_id where t.id = $3 and t.goal_id = $2 and g.user_id = $1';
      const task = (await pool.query<TaskRow>(select, [userId, goalId, taskId])).rows[0];
      if (!task) return undefined;
      await pool.query('update tasks set done_at = coalesce(done_at, now()) where id = $1', [taskId]);
      await pool.query('update goals set tasks_done = tasks_done + 1 where id = $1', [goalId]);
      return (await pool.query<TaskRow>(select, [userId, goalId, taskId])).rows[0];
    };
  },
};
