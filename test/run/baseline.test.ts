import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { RunResult } from '../../src/results/types.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * A team accepts today's findings and fails on new ones (issue #27, item 6), on the reach fixture:
 * `gauntlet baseline` writes the fingerprints; a run with another seed (other ports, ids and data)
 * knows every one of them; a new flaw fails alone; a fixed one is listed; --update-baseline rewrites
 * the file and keeps the reasons a team wrote.
 */
const REACH = fileURLToPath(new URL('../fixtures/reach', import.meta.url));

async function cli(command: string, file: string, flaws: string, args: string[] = []) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-baseline-'));
  const r = await runCli([command, '--stages', 'contract', '--no-coverage', '--reports', reports, '--baseline', file, ...args], { cwd: REACH, env: { REACH_FLAWS: flaws }, timeoutMs: 120_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const failed = result.stages.flatMap((s) => s.checks).filter((c) => c.status === 'failed');
  return { ...r, result, failed, summary: await readFile(path.join(reports, 'summary.md'), 'utf8'), junit: await readFile(path.join(reports, 'junit.xml'), 'utf8') };
}

describe('the baseline', () => {
  it('accepts the findings it holds, across seeds; fails on a new one; lists a fixed one; keeps the reasons a team wrote', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-baseline-file-'));
    const file = path.join(dir, 'gauntlet.baseline.json');
    const taken = await cli('baseline', file, 'shop-name-cut,pages-overlap', ['--seed', '1']);
    expect(taken.code).toBe(0);
    expect(taken.stdout).toMatch(/baseline: .*gauntlet\.baseline\.json holds 3 accepted finding\(s\)/);
    const written = JSON.parse(await readFile(file, 'utf8')) as Baseline;
    expect(written.findings.map((f) => f.id).sort()).toEqual(['contract:GET /products/:pages', 'contract:POST /shops/:listed', 'contract:POST /shops/:read-your-writes']);
    expect(written.findings.every((f) => /^[0-9a-f]{16}$/.test(f.fingerprint) && /^accepted when the baseline was taken \(\d{4}-\d{2}-\d{2}\): say why here$/.test(f.reason))).toBe(true);
    // The team says why one is accepted.
    const shop = written.findings.find((f) => f.id === 'contract:POST /shops/:read-your-writes') as Baseline['findings'][number];
    shop.reason = 'tracked in JIRA-42';
    await writeFile(file, JSON.stringify(written));

    // Another seed (other generated data, other ids, another port): the same two causes, both known.
    const same = await cli('run', file, 'shop-name-cut,pages-overlap', ['--seed', '3']);
    expect(same.code).toBe(0);
    expect(same.result.baseline).toMatchObject({ known: 3, new: 0, fixed: [] });
    expect(same.failed.map((c) => c.known?.reason).sort()).toEqual([...Array(2).fill(`accepted when the baseline was taken (${written.createdAt.slice(0, 10)}): say why here`), 'tracked in JIRA-42']);
    expect(same.stdout).toMatch(/Baseline .*: 0 new, 3 known \(accepted\), 0 fixed/);
    expect(same.summary).toMatch(/## Baseline: 0 new, 3 known, 0 fixed[\s\S]*- known: .*\(`contract:POST \/shops\/:read-your-writes`\): tracked in JIRA-42/);
    expect(same.junit).toMatch(/known \(baseline\): tracked in JIRA-42/);

    // A new flaw fails the gate alone; one fixed is listed as fixed.
    const next = await cli('run', file, 'shop-name-cut,sort-desc-ignored', ['--seed', '2']);
    expect(next.code).toBe(1);
    expect(next.failed.filter((c) => !c.known).map((c) => c.id)).toEqual(['contract:GET /products/:sort:sort']);
    expect(next.result.baseline).toMatchObject({ known: 2, new: 1, fixed: [{ id: 'contract:GET /products/:pages' }] });
    expect(next.stdout).toMatch(/fixed\s+.*\(contract:GET \/products\/:pages\)/);

    // Accepting it rewrites the file: the fixed one goes, the new one comes, the team's reason stays.
    const updated = await cli('run', file, 'shop-name-cut,sort-desc-ignored', ['--update-baseline']);
    expect(updated.code).toBe(0);
    const rewritten = JSON.parse(await readFile(file, 'utf8')) as Baseline;
    expect(rewritten.findings.map((f) => [f.id, f.reason.startsWith('accepted when') ? 'default' : f.reason]).sort()).toEqual([
      ['contract:GET /products/:sort:sort', 'default'],
      ['contract:POST /shops/:listed', 'default'],
      ['contract:POST /shops/:read-your-writes', 'tracked in JIRA-42'],
    ]);
  }, 240_000);

  it('is refused with the field it breaks when it is not one gauntlet baseline wrote', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-baseline-file-'));
    const file = path.join(dir, 'broken.json');
    await writeFile(file, JSON.stringify({ schemaVersion: 1, createdAt: 'x', findings: [{ fingerprint: 'nothex', stage: 'contract', id: 'a', title: 'b', reason: 'c' }] }));
    const r = await runCli(['run', '--stages', 'contract', '--baseline', file], { cwd: REACH, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^GAUNTLET_BASELINE_INVALID: .*broken\.json: findings\.0\.fingerprint: /);
  });
});
