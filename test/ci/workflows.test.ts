import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { STAGE_NAMES } from '../../src/stages/types.ts';
import { ROOT } from '../helpers/cli.ts';

const DIR = path.join(ROOT, '.github', 'workflows');

async function workflows(): Promise<{ file: string; text: string; doc: { jobs: Record<string, { steps: { run?: string; env?: Record<string, string> }[]; env?: Record<string, string> }> } }[]> {
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.yml'));
  return Promise.all(files.map(async (file) => {
    const text = await readFile(path.join(DIR, file), 'utf8');
    return { file, text, doc: parse(text) };
  }));
}

/** Every `gauntlet run` the workflows call (npm run gate -- ... included), with its flags. */
function gauntletRuns(run: string): string[][] {
  return run
    .split('\n')
    .filter((line) => /(gauntlet run|npm run gate)/.test(line))
    .map((line) => line.trim().split(/\s+/));
}

describe('the GitHub workflows', () => {
  it('let nothing fail quietly, and name only stages that exist', async () => {
    for (const { file, text, doc } of await workflows()) {
      expect(text, file).not.toMatch(/continue-on-error/);
      for (const [name, job] of Object.entries(doc.jobs)) {
        for (const step of job.steps) {
          for (const argv of gauntletRuns(step.run ?? '')) {
            for (const flag of ['--stages', '--require']) {
              const i = argv.indexOf(flag);
              if (i < 0) continue;
              const stages = (argv[i + 1] ?? '').split(',');
              expect(stages.filter((s) => !(STAGE_NAMES as readonly string[]).includes(s)), `${file} ${name}: ${flag}`).toEqual([]);
            }
          }
        }
      }
    }
  });

  it('gate pull requests on every stage, the mutation run included, and run the full mutation nightly', async () => {
    const all = await workflows();
    const gate = all.find((w) => w.file === 'quality-gate.yml')?.doc.jobs.gate;
    const command = gate?.steps.map((s) => s.run ?? '').find((r) => r.includes('npm run gate'));
    expect(command).toContain('--require unit,contract,security,e2e,load,mutation');
    const pr = all.find((w) => w.file === 'quality-gate.yml')?.doc.jobs.mutation;
    expect(pr?.env?.GAUNTLET_MUTATION).toBe('changed');
    const nightly = all.find((w) => w.file === 'nightly-mutation.yml')?.doc.jobs.mutation;
    expect(nightly?.env?.GAUNTLET_MUTATION).toBe('full');
    expect(nightly?.steps.some((s) => (s.run ?? '').includes('--require mutation'))).toBe(true);
  });
});
