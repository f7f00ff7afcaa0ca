import { expectStatus, journey } from '../../../src/e2e/index.ts';
import { ensure, signUpSteps, type SignedIn } from './_shared.ts';

interface State extends SignedIn {
  goalId: string;
  tasks: { id: string; title: string; done: boolean }[];
  story: string;
}

/** Register → create goal → AI decomposition → complete every task → progress stats → story. */
export const goalsJourney = journey<State>('goals: a goal is decomposed by the AI, every task done, progress counted, the story told', () => ({}) as State, {
  ...signUpSteps<State>(3),
  'create a goal: the AI decomposes it into tasks': async (k, s) => {
    const goal = s.f.goals.build();
    const r = expectStatus(await k.client.call('createGoal', { session: s.session, body: goal }), 201);
    ensure(r.data.title === goal.title, `the goal's title is ${JSON.stringify(r.data.title)}`);
    ensure(Array.isArray(r.data.tasks) && r.data.tasks.length >= 3, `expected at least 3 tasks: ${r.text}`);
    ensure(r.data.tasks.every((t: { done: boolean }) => t.done === false), 'a new task is already done');
    s.goalId = r.data.id;
    s.tasks = r.data.tasks;
  },
  'the story is refused while tasks remain': async (k, s) => {
    expectStatus(await k.client.call('story', { session: s.session, params: { id: s.goalId } }), 409);
  },
  'complete every task (twice: completing is idempotent)': async (k, s) => {
    for (const task of s.tasks) {
      for (let i = 0; i < 2; i++) {
        const r = expectStatus(await k.client.call('completeTask', { session: s.session, params: { id: s.goalId, taskId: task.id } }), 200);
        ensure(r.data.done === true, `task ${task.id} is not done after completing it: ${r.text}`);
      }
    }
  },
  'progress counts every task done and the goal completed': async (k, s) => {
    const p = expectStatus(await k.client.call('progress', { session: s.session }), 200).data;
    const expected = { goals: 1, goalsCompleted: 1, tasksTotal: s.tasks.length, tasksDone: s.tasks.length, completionRate: 1, currentStreakDays: 1 };
    for (const [key, value] of Object.entries(expected)) ensure(p[key] === value, `progress.${key} is ${p[key]}, expected ${value} (${JSON.stringify(p)})`);
  },
  'the story of the finished goal is told, and stays the same': async (k, s) => {
    const first = expectStatus(await k.client.call('story', { session: s.session, params: { id: s.goalId } }), 200);
    ensure(typeof first.data.story === 'string' && first.data.story.length > 20, `no story: ${first.text}`);
    const second = expectStatus(await k.client.call('story', { session: s.session, params: { id: s.goalId } }), 200);
    ensure(second.data.story === first.data.story, 'the story changed on the second read');
  },
});
