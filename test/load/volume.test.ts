import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findK6 } from '../../src/stages/load/k6-binary.ts';
import type { RunResult } from '../../src/results/types.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const k6 = await findK6();
if (!k6) console.warn('SKIPPED (in test/load/volume.test.ts): the volume profile with a real k6 (the dropped index found by load:scaling and load:plan): k6 is not on PATH and K6_BINARY is not set. Install k6 to run them.');

/** `gauntlet run --stages load --volume` against companion-api on the native environment, with the real k6 and Postgres. */
async function volume(args: string[], env: NodeJS.ProcessEnv = {}) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-volume-'));
  const r = await runCli(['run', '--stages', 'load', '--volume', '--env', 'native', '--no-coverage', '--reports', reports, ...args], { cwd: ROOT, env: { GAUNTLET_LOAD_HISTORY: path.join(reports, 'history.jsonl'), ...env }, timeoutMs: 600_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const stage = result.stages[0];
  const byId = new Map(stage?.checks.map((c) => [c.id, c]) ?? []);
  const volumeChecks = stage?.checks.filter((c) => /^load:(volume|scaling|plans?)\b/.test(c.id)) ?? [];
  return { ...r, reports, result, stage, byId, volumeChecks, summary: await readFile(path.join(reports, 'summary.md'), 'utf8') };
}

/**
 * The volume profile (#28) with the real k6 and Postgres: messages grow to 1,000, 10,000 and 100,000
 * rows (factories/volume.ts) and the smoke profile runs at each. The dropped index on messages
 * (flaw message-index-dropped) fails the scaling of the endpoint that opens a conversation and the
 * plan check; the clean service fails neither. Sequential: two volume runs at once on two cores would
 * measure each other.
 */
describe.skipIf(!k6)('load --volume with a real k6', () => {
  it('message-index-dropped fails load:scaling:get-conversation and load:plan:messages(conversation_id), naming the statement and the growth', async () => {
    const r = await volume(['--flaw', 'message-index-dropped']);
    expect(r.code).toBe(1);
    expect(r.byId.get('load:volume')).toMatchObject({ status: 'passed', message: expect.stringMatching(/^1,0\d\d → 10,0\d\d → 100,0\d\d rows of messages; .* rows\/s through the seed command\)$/) });
    const scaling = r.byId.get('load:scaling:get-conversation');
    expect(scaling?.status, scaling?.message).toBe('failed');
    expect(scaling?.message).toMatch(/^p95 ×[\d.]+ from 1,0\d\d to 100,0\d\d rows \(.*\), median \+[\d.]+ ms, fastest quarter [+-][\d.]+ ms \(rank-sum p = .+\); the statements? reading more per call as the data grew .*`select \* from \(select id, role, content, risk_score, degraded, created_at from messages where conversation_id = \$1 order by created_at desc limit \$2\) m order…`: [\d.]+ ms mean and [\d,]+ buffers read per call at 100,0\d\d rows/);
    const plan = r.byId.get('load:plan:messages(conversation_id)');
    expect(plan).toMatchObject({ status: 'failed', message: expect.stringMatching(/scans messages sequentially \(\d{2,3},\d{3} rows\), filtering \(conversation_id = \$1\): an index on messages \(conversation_id\) would serve it \(2 statements\)$/) });
    // The list joins messages on conversation_id: the same missing index, one finding for both statements.
    expect(r.volumeChecks.filter((c) => c.id.startsWith('load:plan:')).map((c) => c.id)).toEqual(['load:plan:messages(conversation_id)']);
    // The reports carry the growth table: an endpoint per row, a size per column.
    expect(r.stage?.tables?.[0]).toMatchObject({ title: 'Cost as the data grows', columns: ['', expect.stringMatching(/^1,0\d\d rows \(1×\)$/), expect.stringMatching(/^10,0\d\d rows \(10×\)$/), expect.stringMatching(/^100,0\d\d rows \(100×\)$/)] });
    expect(r.summary).toMatch(/\| get-conversation p95 \(ms\) \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
    expect(r.result.stages[0]?.metrics['load.volume.seedRowsPerSecond']).toBeGreaterThan(1_000);
  });

  it('the clean service passes: no scaling or plan check fails at 100,000 rows', async () => {
    const r = await volume([]);
    expect(r.volumeChecks.filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    expect(r.byId.get('load:plans')).toMatchObject({ status: 'passed' });
    expect(r.volumeChecks.filter((c) => c.id.startsWith('load:scaling:')).map((c) => c.id).sort()).toEqual(['load:scaling:get-conversation', 'load:scaling:list-conversations', 'load:scaling:post-message', 'load:scaling:progress']);
    expect(r.code).toBe(0);
  });

  it('grows the data through the API\'s own create operation (GAUNTLET_VOLUME_SEED=api: POST /conversations, 4 users)', async () => {
    const r = await volume([], { GAUNTLET_VOLUME_SEED: 'api' });
    expect(r.byId.get('load:volume')).toMatchObject({ status: 'passed', message: expect.stringMatching(/^2\d\d → 1,0\d\d rows of conversations; .* rows\/s through the API\)$/) });
    expect(r.code).toBe(0);
  });
});
