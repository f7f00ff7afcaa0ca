import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * The same causes on every seed (issue #27, item 8): with flaws switched on, seeds 1 to 5 send other
 * generated data, and find the same bugs, by fingerprint and by cause; the same seed twice sends the
 * same requests (the same fingerprints and the same number of requests).
 */
const REACH = fileURLToPath(new URL('../fixtures/reach', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FLAWS = 'shop-name-cut,pages-overlap,price-filter-ignored,note-empty-ignored,name-taken-check-padded,deleted-in-filtered-list';

async function run(seed: number) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-seed-'));
  const r = await runCli(['run', '--stages', 'contract', '--no-coverage', '--seed', String(seed), '--reports', reports], { cwd: REACH, env: { REACH_FLAWS: FLAWS }, timeoutMs: 120_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  expect(r.code).toBe(1);
  const bugs = result.stages.flatMap((s) => s.checks).filter((c) => c.status === 'failed' && c.severity === 'bug');
  return { ids: bugs.map((c) => c.id).sort(), causes: (result.causes ?? []).filter((c) => c.severity === 'bug').map((c) => c.cause).sort(), requests: result.stages[0]?.metrics.requests };
}

/** Each example with flaws switched on that its stages catch: the same bugs on every seed. */
const EXAMPLES = [
  { name: 'companion-api', cwd: ROOT, stages: 'contract', flaws: 'conversation-title-cut,long-title-500', expect: ['contract:POST /conversations:read-your-writes', 'contract:POST /conversations:listed', 'contract:POST /goals:boundaries'] },
  { name: 'cookbook-api', cwd: path.join(ROOT, 'examples/cookbook-api'), stages: 'contract,security', flaws: 'cook-recipe-count-500,author-shows-phone', expect: ['security:exposure:GET /recipes'] },
  { name: 'notes-api', cwd: path.join(ROOT, 'examples/notes-api'), stages: 'contract', flaws: 'negative-offset-500,patch-ignores-false', expect: ['contract:PATCH /notes/{noteId}:partial-update', 'contract:GET /notes:boundaries'] },
];

async function runExample(example: (typeof EXAMPLES)[number], seed: number) {
  const reports = await mkdtemp(path.join(os.tmpdir(), `gauntlet-seed-${example.name}-`));
  const r = await runCli(['run', '--stages', example.stages, '--env', 'native', '--no-coverage', '--flaw', example.flaws, '--seed', String(seed), '--reports', reports], { cwd: example.cwd, timeoutMs: 240_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  expect(r.code, r.stderr).toBe(1);
  const bugs = result.stages.flatMap((s) => s.checks).filter((c) => c.status === 'failed' && c.severity === 'bug' && c.replay?.outcome !== 'flaky');
  return { ids: [...new Set(bugs.map((c) => c.id.replace(/:\d+$/, '')))].sort(), causes: (result.causes ?? []).filter((c) => c.severity === 'bug').map((c) => c.cause).sort() };
}

describe('seeds', () => {
  it.each(EXAMPLES)('1 to 5 find the same bugs on $name with flaws on, by check and by cause', async (example) => {
    const first = await runExample(example, 1);
    for (const id of example.expect) expect(first.ids, id).toContain(id);
    for (const seed of [2, 3, 4, 5]) {
      const other = await runExample(example, seed);
      expect(other.ids, `${example.name}, seed ${seed}`).toEqual(first.ids);
      expect(other.causes, `${example.name}, seed ${seed}`).toEqual(first.causes);
    }
  }, 1_200_000);

  it('1 to 5 find the same bugs, by check and by cause; the same seed sends the same number of requests', async () => {
    const first = await run(1);
    expect(first.ids).toHaveLength(7);
    for (const seed of [2, 3, 4, 5]) {
      const other = await run(seed);
      expect(other.ids, `seed ${seed}`).toEqual(first.ids);
      expect(other.causes, `seed ${seed}`).toEqual(first.causes);
    }
    expect((await run(1)).requests).toBe(first.requests);
  }, 240_000);
});
