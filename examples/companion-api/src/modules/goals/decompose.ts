import { UpstreamError, type LlmClient } from '../../upstream/llm-client.ts';

export const DECOMPOSE_PROMPT =
  'Break the user\'s goal into 3 to 7 small, concrete tasks. Answer only with JSON: {"tasks":[{"title":"..."}]}.';
export const STORY_PROMPT = 'Write a short, encouraging story (3-5 sentences) about how the user achieved this goal through these tasks.';

/** Asks the LLM for tasks as structured JSON and validates the shape; a bad shape is an upstream failure. */
export async function decomposeGoal(llm: LlmClient, title: string): Promise<string[]> {
  const raw = await llm.complete([{ role: 'system', content: DECOMPOSE_PROMPT }, { role: 'user', content: title }], { json: true });
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UpstreamError('upstream returned tasks that are not JSON');
  }
  const tasks = (parsed as { tasks?: unknown }).tasks;
  if (!Array.isArray(tasks)) throw new UpstreamError('upstream JSON has no tasks array');
  const titles = tasks.map((t) => (t as { title?: unknown }).title).filter((t): t is string => typeof t === 'string' && t.trim().length > 0).map((t) => t.trim().slice(0, 200));
  if (titles.length === 0) throw new UpstreamError('upstream returned no usable task');
  return titles.slice(0, 10);
}
