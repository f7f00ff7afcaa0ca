import type pg from 'pg';
import type { Seams } from '../../seams.ts';
import { streaks } from './streaks.ts';

export interface TaskRow {
  id: string;
  goal_id: string;
  position: number;
  title: string;
  done_at: Date | null;
}
interface GoalRow {
  id: string;
  title: string;
  created_at: Date;
  story: string | null;
  tasks_done: number;
}

const toTask = (t: TaskRow) => ({ id: t.id, position: t.position, title: t.title, done: t.done_at !== null, doneAt: t.done_at?.toISOString() ?? null });

export class GoalRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly seams: Pick<Seams, 'markTaskDone'>,
  ) {}

  async create(userId: string, title: string, taskTitles: string[]) {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<GoalRow>('insert into goals (user_id, title) values ($1, $2) returning id, title, created_at, story, tasks_done', [userId, title]);
      const goal = rows[0] as GoalRow;
      const tasks = await client.query<TaskRow>(
        'insert into tasks (goal_id, position, title) select $1, ordinality, t from unnest($2::text[]) with ordinality as t returning id, goal_id, position, title, done_at',
        [goal.id, taskTitles],
      );
      await client.query('commit');
      return this.shape(goal, tasks.rows);
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }

  /** The user's goals, newest first; `titleSql` is how the title is read (a seam: src/seams.ts). */
  async list(userId: string, titleSql = 'title') {
    const { rows: goals } = await this.pool.query<GoalRow>(`select id, ${titleSql} as title, created_at, story, tasks_done from goals where user_id = $1 order by created_at desc limit 100`, [userId]);
    const { rows: tasks } = await this.pool.query<TaskRow>('select id, goal_id, position, title, done_at from tasks where goal_id = any($1::uuid[]) order by position', [goals.map((g) => g.id)]);
    return goals.map((g) => this.shape(g, tasks.filter((t) => t.goal_id === g.id)));
  }

  async get(userId: string, id: string) {
    const { rows } = await this.pool.query<GoalRow>('select id, title, created_at, story, tasks_done from goals where id = $1 and user_id = $2', [id, userId]);
    if (!rows[0]) return undefined;
    const { rows: tasks } = await this.pool.query<TaskRow>('select id, goal_id, position, title, done_at from tasks where goal_id = $1 order by position', [id]);
    return this.shape(rows[0], tasks);
  }

  /** Marks the task done once, and counts it on its goal once, however many requests come at once (a seam: src/seams.ts). */
  async completeTask(userId: string, goalId: string, taskId: string) {
    const row = await this.seams.markTaskDone(this.pool, userId, goalId, taskId);
    return row && toTask(row);
  }

  /** Stores the story unless one exists already, and returns the stored one (generated once). */
  async saveStoryOnce(goalId: string, story: string): Promise<string> {
    const { rows } = await this.pool.query<{ story: string }>('update goals set story = coalesce(story, $2) where id = $1 returning story', [goalId, story]);
    return rows[0]?.story ?? story;
  }

  async progress(userId: string) {
    const { rows } = await this.pool.query<{ goals: string; goals_completed: string; tasks_total: string; tasks_done: string }>(
      `select count(distinct g.id) as goals,
              count(distinct g.id) filter (where not exists (select 1 from tasks o where o.goal_id = g.id and o.done_at is null)) as goals_completed,
              count(t.id) as tasks_total, count(t.done_at) as tasks_done
         from goals g left join tasks t on t.goal_id = g.id where g.user_id = $1`,
      [userId],
    );
    const { rows: days } = await this.pool.query<{ day: string }>(
      `select distinct to_char(t.done_at at time zone 'UTC', 'YYYY-MM-DD') as day from tasks t join goals g on g.id = t.goal_id where g.user_id = $1 and t.done_at is not null`,
      [userId],
    );
    const r = rows[0] as { goals: string; goals_completed: string; tasks_total: string; tasks_done: string };
    const total = Number(r.tasks_total);
    const done = Number(r.tasks_done);
    const s = streaks(days.map((d) => d.day), new Date().toISOString().slice(0, 10));
    return { goals: Number(r.goals), goalsCompleted: Number(r.goals_completed), tasksTotal: total, tasksDone: done, completionRate: total === 0 ? 0 : Math.round((done / total) * 1000) / 1000, currentStreakDays: s.current, longestStreakDays: s.longest };
  }

  private shape(goal: GoalRow, tasks: TaskRow[]) {
    return { id: goal.id, title: goal.title, createdAt: goal.created_at.toISOString(), story: goal.story, tasksDone: goal.tasks_done, tasks: tasks.map(toTask) };
  }
}
