import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deviationKinds, groupFindings } from '../results/grouping.ts';
import { failedBySeverity, flakyFailsGate, flakyOf } from '../results/severity.ts';
import type { CheckResult, RunResult } from '../results/types.ts';
import { countChecks } from './console-reporter.ts';
import { loadFigures } from './load-figures.ts';
import type { Reporter } from './types.ts';
import { describeWay, reachOf } from '../results/reach.ts';

/** reports/summary.md, also appended to $GITHUB_STEP_SUMMARY when that is set. */
export class MarkdownReporter implements Reporter {
  constructor(
    private readonly dir: string,
    private readonly stepSummary = process.env.GITHUB_STEP_SUMMARY,
  ) {}

  async onRunEnd(result: RunResult): Promise<void> {
    const md = renderMarkdown(result);
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, 'summary.md'), md);
    if (this.stepSummary) await appendFile(this.stepSummary, md);
  }
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function renderMarkdown(result: RunResult): string {
  const lines = [
    `# Gauntlet: ${result.passed ? '✅ passed' : '❌ failed'}`,
    '',
    `Target **${result.target.name}** on the **${result.environment}** environment, ${(result.durationMs / 1000).toFixed(1)} s.`,
    '',
    '## Stages',
    '',
    '| stage | status | checks | note |',
    '| --- | --- | --- | --- |',
    ...result.stages.map((s) => `| ${s.name} | ${s.status} | ${countChecks(s.checks)} | ${cell(s.reason ?? '')} |`),
    '',
    '## Gates',
    '',
    '| gate | actual | threshold | verdict |',
    '| --- | --- | --- | --- |',
    ...result.gates.map((g) => `| ${g.name} | ${g.actual ?? 'not measured'} | ${g.comparator} ${g.threshold} | ${g.inconclusive ? `inconclusive: ${cell(g.message ?? '')}` : g.passed ? 'pass' : `**fail**${g.message ? `: ${cell(g.message)}` : ''}`} |`),
  ];
  const figures = loadFigures(result.stages);
  if (figures.length) lines.push('', '## Load', '', '| figure | measured |', '| --- | --- |', ...figures.map(([label, value]) => `| ${label} | ${value} |`));
  for (const table of result.stages.flatMap((s) => s.tables ?? [])) {
    lines.push('', `### ${table.title}`, '', `| ${table.columns.map(cell).join(' | ')} |`, `|${table.columns.map(() => ' --- |').join('')}`, ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`));
    if (table.note) lines.push('', table.note);
  }
  const reach = reachOf(result.stages);
  if (reach) {
    lines.push('', `## Reach: ${reach.reached} of ${reach.total} operations answered a valid request with a 2xx`, '', '| operation | reached | status | how | what would fix it |', '| --- | --- | --- | --- | --- |');
    // Unreached first: they are what a reader must act on.
    for (const r of [...reach.rows.filter((x) => !x.reached), ...reach.rows.filter((x) => x.reached)]) lines.push(`| ${cell(r.operation)} | ${r.reached ? 'yes' : '**no**'} | ${r.status ?? '—'} | ${cell(describeWay(r))} | ${cell(r.fix ?? '')} |`);
    if (reach.dependencies.length) lines.push('', 'Dependencies learned (producer → consumer):', '', ...reach.dependencies.map((d) => `- ${cell(d.edge)} (${d.how.join(', ')})`));
  }
  const { bugs, deviations } = failedBySeverity(result.stages.flatMap((s) => s.checks));
  const item = (c: CheckResult) => lines.push(`- **${cell(c.title)}** (\`${c.id}\`)${c.message ? `\n  \`\`\`\n  ${c.message.split('\n').slice(0, 12).join('\n  ')}\n  \`\`\`` : ''}`);
  // One entry per cause: its first check in full, the others named (issue #27: one finding per cause).
  const byId = new Map([...bugs, ...deviations].map((c) => [c.id, c]));
  const groups = groupFindings([...bugs, ...deviations]);
  const entry = (group: (typeof groups)[number]) => {
    const first = byId.get(group.checks[0] as string) as CheckResult;
    if (group.checks.length === 1) return item(first);
    lines.push(`- **${cell(group.example)}**, and the same cause elsewhere: ${group.checks.length} ${group.severity === 'bug' ? 'checks' : 'answers'} on ${group.operations} operation${group.operations === 1 ? '' : 's'}: ${group.checks.slice(0, 12).map((id) => `\`${cell(id)}\``).join(', ')}${group.checks.length > 12 ? ', …' : ''}`);
    if (group.severity === 'bug' && first.message) lines.push(`  \`\`\`\n  ${first.message.split('\n').slice(0, 12).join('\n  ')}\n  \`\`\``);
  };
  if (bugs.length) {
    lines.push('', `## Bugs (${bugs.length})`, '');
    groups.filter((g) => g.severity === 'bug').forEach(entry);
  }
  if (deviations.length) {
    lines.push('', `## Deviations from the document (${deviations.length})`, '', ...deviationKinds(deviations).map((k) => `- ${cell(k.summary)}`), '');
    groups.filter((g) => g.severity === 'deviation').forEach(entry);
  }
  const flaky = flakyOf(result.stages.flatMap((s) => s.checks));
  if (flaky.length) {
    const counted = !flakyFailsGate(result);
    lines.push('', `## Flaky (${flaky.length}): did not come back when sent again`, '', counted ? 'Shown, failing no gate (`gates.flaky: \'fail\'` to change that).' : 'They fail their stage\'s gate (`gates.flaky: \'fail\'`).', '');
    flaky.forEach(item);
  }
  lines.push(...baselineLines(result));
  return `${lines.join('\n')}\n`;
}

/** What the baseline made of the failures: known ones (with the reason each is accepted), and what no longer fails. */
function baselineLines(result: RunResult): string[] {
  const b = result.baseline;
  if (!b) return [];
  const known = result.stages.flatMap((s) => s.checks).filter((c) => c.status === 'failed' && c.known);
  const lines = ['', `## Baseline: ${b.written ? `written, ${b.known} accepted finding(s)` : `${b.new} new, ${b.known} known, ${b.fixed.length} fixed`} (\`${b.file}\`)`, ''];
  if (!b.written) for (const c of known) lines.push(`- known: ${cell(c.title)} (\`${c.id}\`): ${cell(c.known?.reason ?? '')}`);
  for (const f of b.fixed) lines.push(`- fixed since the baseline: ${cell(f.title)} (\`${f.id}\`): remove it with \`--update-baseline\``);
  return lines;
}
