import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { HtmlReporter } from '../../src/reporters/html-reporter.ts';
import { JsonReporter } from '../../src/reporters/json-reporter.ts';
import { JUnitReporter } from '../../src/reporters/junit-reporter.ts';
import { MarkdownReporter } from '../../src/reporters/markdown-reporter.ts';
import type { RunResult } from '../../src/results/types.ts';
import { runGauntlet } from '../../src/run/run-gauntlet.ts';
import { STAGES } from '../../src/stages/registry.ts';
import { ROOT } from '../helpers/cli.ts';

/**
 * A bug in the middle of a run (a stage that throws, as a TypeError in Gauntlet would) still
 * leaves all four reports, saying what ran, what broke and its cause; the stages after it still
 * run; the exit code is 2.
 */
describe('an internal error mid-run', () => {
  it('writes every report with the error and its cause, runs the other stages, and exits 2', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-internal-'));
    process.env.TINY_OUT = path.join(dir, 'out');
    const { config } = await loadConfig(path.join(ROOT, 'test/fixtures/tiny/gauntlet.config.ts'));
    const reportsDir = path.join(dir, 'reports');
    const broken = {
      name: 'contract' as const,
      description: 'throws as a bug would',
      async run(): Promise<never> {
        const socket = new Error('\u001b[31mother side closed\u001b[39m') as Error & { code: string };
        socket.code = 'UND_ERR_SOCKET';
        throw new TypeError("Cannot read properties of undefined (reading 'id')", { cause: socket });
      },
    };
    const result = await runGauntlet({
      config: { ...config, reportsDir },
      environment: 'native',
      stages: ['contract', 'unit'],
      required: [],
      coverage: false,
      registry: { ...STAGES, contract: broken },
      reporters: [new JsonReporter(reportsDir), new JUnitReporter(reportsDir), new MarkdownReporter(reportsDir), new HtmlReporter(reportsDir)],
    });
    expect(result.exitCode).toBe(2);
    expect(result.passed).toBe(false);
    expect(result.error).toMatchObject({ code: 'GAUNTLET_INTERNAL', stage: 'contract', message: "Cannot read properties of undefined (reading 'id')", detail: expect.arrayContaining(['caused by: other side closed (UND_ERR_SOCKET)']) });
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['contract', 'failed'],
      ['unit', 'passed'], // what ran after the error is reported too
    ]);
    const read = (file: string) => readFile(path.join(reportsDir, file), 'utf8');
    const json = JSON.parse(await read('results.json')) as RunResult;
    expect(json.error?.code).toBe('GAUNTLET_INTERNAL');
    expect(json.stages[0]?.checks[0]).toMatchObject({ id: 'contract:error', status: 'failed', message: expect.stringContaining('caused by: other side closed (UND_ERR_SOCKET)') });
    for (const file of ['results.json', 'junit.xml', 'summary.md', 'index.html']) {
      const text = await read(file);
      expect(text, file).not.toMatch(/\u001b\[|\\u001b/); // colour codes stripped
      expect(text, file).toContain('could not finish');
      expect(text, file).toContain('other side closed (UND_ERR_SOCKET)');
    }
  });
});
