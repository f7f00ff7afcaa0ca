import path from 'node:path';
import { fillTemplate } from '../http/session.ts';
import type { SuiteSpec } from './_junit-suite.ts';

/**
 * `{{out}}`: where a test command writes its reports for this run. A fixed path such as
 * `reports/junit.xml` is shared by every run started from the same checkout: two runs at once (a
 * compose run beside a native one, two CI jobs on one workspace) delete and overwrite each other's
 * JUnit, and a run reads a report that is not its own. `{{out}}` in a suite's command, env, `junit`
 * or coverage file stands for `<reports>/suites/<stage>`, which belongs to the run whose
 * `--reports` it is under. The command also gets it as GAUNTLET_OUT (for a runner that takes its
 * output path from its own config file).
 */
export const OUT_TOKEN = '{{out}}';
export const OUT_ENV = 'GAUNTLET_OUT';

export function suiteOutDir(reportsDir: string, stage: string): string {
  return path.join(reportsDir, 'suites', stage);
}

export function expandOut(text: string, out: string): string {
  return fillTemplate(text, { out }) as string;
}

/**
 * The spec with `{{out}}` replaced in its command (argv or shell string), env values and junit path.
 * In a shell string a path with a space or a quote in it is single-quoted, as an unquoted word needs.
 */
export function withOut<T extends SuiteSpec>(spec: T, out: string): T {
  const command = typeof spec.command === 'string' ? expandOut(spec.command, shellWord(out)) : (fillTemplate(spec.command, { out }) as string[]);
  return { ...spec, command, env: fillTemplate(spec.env, { out }) as Record<string, string>, junit: expandOut(spec.junit, out) };
}

function shellWord(text: string): string {
  return /^[\w./:@+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
