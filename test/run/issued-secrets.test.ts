import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/**
 * No credential the target issued reaches a report (issue #27, item 5). The reach fixture starts
 * every credential it issues with `live_`: the login's token and its session cookie, an API key in
 * the sign-up answer, a fresh access token nested in every profile change. After the contract and
 * security stages, with a flaw whose finding shows such an answer (a profile change answered with an
 * undocumented 201), no file Gauntlet wrote holds one.
 */
const REACH = fileURLToPath(new URL('../fixtures/reach', import.meta.url));

describe('credentials the target issued', () => {
  it('are in no report, JUnit, summary, HTML page or log; the reproductions keep a placeholder that says how to get one', async () => {
    const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-issued-'));
    const r = await runCli(['run', '--stages', 'contract,security', '--no-coverage', '--reports', reports], { cwd: REACH, env: { REACH_FLAWS: 'profile-201,logout-noop' }, timeoutMs: 150_000 });
    expect(r.code).toBe(1);
    const files = await readdir(reports, { recursive: true, withFileTypes: true });
    const texts = await Promise.all(files.filter((f) => f.isFile()).map(async (f) => [path.join(f.parentPath, f.name), await readFile(path.join(f.parentPath, f.name), 'utf8')] as const));
    expect(texts.map(([file]) => path.basename(file))).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'summary.md', 'index.html']));
    for (const [file, text] of [...texts, ['stdout', r.stdout] as const, ['stderr', r.stderr] as const]) expect(text.match(/live_[0-9a-f]{8,}/g) ?? [], file).toEqual([]);
    // The placeholders say where each came from.
    const results = texts.find(([file]) => file.endsWith('results.json'))?.[1] ?? '';
    expect(results).toMatch(/«an access token: log in as the test user \(target\.auth\.login\) and put its token here»/);
  }, 180_000);
});
