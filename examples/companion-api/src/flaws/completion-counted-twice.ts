import type { TaskRow } from '../modules/goals/repository.ts';
import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'completion-counted-twice',
  summary: "Marking a task done checks done_at, then updates the task, then increments the goal's counter, in three statements: requests that arrive together all see the task open and all count it.",
  caughtBy: 'contract: contract:POST /goals/{id}/tasks/{taskId}/complete:race (8 identical requests at once move tasksDone by 8 where one request moves it by 1)',
  apply(seams) {
    seams.markTaskDone = async (pool, userId, goalId, taskId) => {
      const select = 'select t.id, t.goal_id, t.position, t.title, t.done_at from tasks t join goals g on g.id = t.goal_id where t.id = $3 and t.goal_id = $2 and g.user_id = $1';
      const { rows } = await pool.query<TaskRow>(select, [userId, goalId, taskId]);
      const task = rows[0];
      if (!task || task.done_at) return task;
      // Between the check and the update it writes an audit entry (stood in for by its ~100 ms):
      // every request that arrives meanwhile has passed the same check.
      await pool.query('select pg_sleep(0.1)');
      await pool.query('update tasks set done_at = now() where id = $1', [taskId]);
      await pool.query('update goals set tasks_done = tasks_done + 1 where id = $1', [goalId]);
      return (await pool.query<TaskRow>(select, [userId, goalId, taskId])).rows[0];
    };
  },
};
