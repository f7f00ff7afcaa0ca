import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deviationKinds, groupFindings } from '../results/grouping.ts';
import { describeFailed, failedBySeverity, flakyOf } from '../results/severity.ts';
import { esc } from './_html.ts';
import { loadFigures } from './load-figures.ts';
import { sparklines } from './sparkline.ts';
import type { CheckResult, GateResult, RunResult, StageResult } from '../results/types.ts';
import { countChecks } from './console-reporter.ts';
import type { Reporter } from './types.ts';
import { describeWay, reachOf } from '../results/reach.ts';

/**
 * reports/index.html: one self-contained page (no script, no external asset) people read after a
 * run: stages, gates, failed checks with their reproductions, coverage per file, API coverage per
 * operation, mutation testing, and the load thresholds as a chart. Everything comes from the run's
 * data (RunResult); nothing is computed here that the gates did not already decide.
 */
export class HtmlReporter implements Reporter {
  constructor(private readonly dir: string) {}

  async onRunEnd(result: RunResult): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, 'index.html'), renderHtml(result, this.dir));
  }
}


const STATUS_CLASS: Record<string, string> = { passed: 'ok', failed: 'bad', skipped: 'skip', 'not-available': 'skip' };

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
}

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="muted">Nothing to show.</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const badge = (status: string) => `<span class="badge ${STATUS_CLASS[status] ?? 'skip'}">${esc(status)}</span>`;

function stagesSection(stages: StageResult[]): string {
  return section(
    'stages',
    'Stages',
    table(
      ['stage', 'status', 'checks', 'time', 'note'],
      stages.map((s) => [esc(s.name), badge(s.status), esc(countChecks(s.checks)), `${(s.durationMs / 1000).toFixed(1)} s`, esc(s.reason ?? '')]),
    ),
  );
}

function gatesSection(gates: GateResult[]): string {
  return section(
    'gates',
    'Gates',
    table(
      ['gate', 'actual', 'threshold', 'verdict'],
      gates.map((g) => [esc(g.name), esc(g.actual ?? 'not measured'), esc(`${g.comparator} ${g.threshold}`), `${badge(g.inconclusive ? 'skipped' : g.passed ? 'passed' : 'failed')} ${esc(g.message ?? '')}`]),
    ),
  );
}

function failedSection(stages: StageResult[]): string {
  const { bugs, deviations } = failedBySeverity(stages.flatMap((s) => s.checks));
  const failed = [...bugs, ...deviations]; // bugs first
  const flaky = flakyOf(stages.flatMap((s) => s.checks));
  // Shown apart, failing no gate unless gates.flaky is 'fail'.
  const flakyPart = flaky.length ? `<h3>Flaky: ${flaky.length} failure${flaky.length === 1 ? '' : 's'} did not come back when sent again</h3><ul>${flaky.map((c) => `<li>${esc(c.title)} <span class="muted">${esc(c.id)}: ${esc(c.replay?.note ?? '')}</span></li>`).join('')}</ul>` : '';
  if (failed.length === 0) return section('failed', 'Failed checks', `<p class="ok-text">No check failed.</p>${flakyPart}`);
  const item = (c: CheckResult) => {
    const request = typeof c.evidence?.request === 'string' ? c.evidence.request : undefined;
    // The reproduction once: in its own block, not again inside the message.
    const message = request ? c.message?.split('\n').filter((line) => !line.includes(request)).join('\n') : c.message;
    return `<article class="failure ${c.severity ?? 'bug'}"><h3><span class="severity">${c.severity === 'deviation' ? 'deviation' : 'bug'}</span> ${esc(c.title)}</h3><p class="muted">${esc(c.id)}</p>${message ? `<pre>${esc(message)}</pre>` : ''}${request ? `<p>Reproduce:</p><pre class="repro">${esc(request)}</pre>` : ''}</article>`;
  };
  // One row per cause first (bugs, then deviations), then every failed check in full.
  const causes = groupFindings(failed);
  const table = `<table class="causes"><thead><tr><th>severity</th><th>cause (first example)</th><th>checks</th><th>operations</th></tr></thead><tbody>${causes.map((g) => `<tr class="${g.severity}"><td>${g.severity}</td><td>${esc(g.example)}</td><td>${g.checks.length}</td><td>${g.operations}</td></tr>`).join('')}</tbody></table>`;
  const kinds = deviationKinds(deviations);
  const inWords = kinds.length ? `<p>Deviations per kind:</p><ul class="kinds">${kinds.map((k) => `<li>${esc(k.summary)}</li>`).join('')}</ul>` : '';
  return section('failed', `${describeFailed(bugs, deviations)}: ${causes.length} cause${causes.length === 1 ? '' : 's'}`, table + inWords + flakyPart + failed.map(item).join(''));
}

type Counts = { covered: number; total: number };
const pct = (c: Counts) => (c.total === 0 ? '—' : `${((c.covered / c.total) * 100).toFixed(1)} %`);

type CoverageEvidence = { files: { file: string; lines: Counts; branches: Counts; functions: Counts }[]; report?: string };

/** Every coverage measurement of the run: the target's while the stages ran (target.coverage), its unit tests' (stages.unit.coverage). */
function coverageSection(stages: StageResult[], link: Link): string {
  // Coverage checks are the ones whose evidence lists files (src/coverage/read-report.ts makes them).
  const checks = stages.flatMap((s) => s.checks).filter((c) => Array.isArray((c.evidence as { files?: unknown } | undefined)?.files));
  if (checks.length === 0) return section('coverage', 'Code coverage', '<p class="muted">Nothing measured code coverage in this run (target.coverage measures the target while the stages run; stages.unit.coverage reads its unit tests\' report).</p>');
  const one = (c: CheckResult) => {
    const { files, report } = c.evidence as CoverageEvidence;
    const detail = report ? ` <a href="${esc(link(report))}">line by line</a>` : '';
    return `<h3>${esc(c.stage === 'coverage' ? 'The target while the stages ran' : `${c.stage} stage`)}</h3><p>${esc(c.title)}${detail}</p>${table(
      ['file', 'lines', 'branches', 'functions'],
      files.map((f) => [esc(f.file), meter(f.lines), esc(pct(f.branches)), esc(pct(f.functions))]),
    )}`;
  };
  return section('coverage', 'Code coverage per file', checks.map(one).join(''));
}

function meter(c: Counts): string {
  const value = c.total === 0 ? 100 : (c.covered / c.total) * 100;
  return `<span class="meter"><span style="width:${value.toFixed(1)}%" class="${value >= 80 ? 'ok' : 'bad'}"></span></span> ${esc(pct(c))} <span class="muted">(${c.covered}/${c.total})</span>`;
}

function apiCoverageSection(stages: StageResult[]): string {
  const check = stages.flatMap((s) => s.checks).find((c) => c.id === 'contract:coverage');
  const operations = (check?.evidence as { operations?: { operation: string; exercised: boolean; observed: string[]; documented: string[] }[] } | undefined)?.operations;
  if (!check || !operations) return section('api-coverage', 'API coverage', '<p class="muted">The contract stage did not run, so no API coverage was measured.</p>');
  return section(
    'api-coverage',
    'API coverage per operation',
    `<p>${esc(check.title)}</p>${table(
      ['operation', 'called', 'statuses seen', 'statuses documented'],
      operations.map((o) => [`<code>${esc(o.operation)}</code>`, badge(o.exercised ? 'passed' : 'failed'), esc(o.observed.join(', ') || '—'), esc(o.documented.join(', '))]),
    )}`,
  );
}

/** Per operation: whether a valid request got a 2xx, as whom, after which producers; what would reach the rest. */
function reachSection(stages: StageResult[]): string {
  const reach = reachOf(stages);
  if (!reach) return section('reach', 'Reach', '<p class="muted">The contract stage did not run, so reach was not measured.</p>');
  const rows = [...reach.rows.filter((x) => !x.reached), ...reach.rows.filter((x) => x.reached)];
  const graph = reach.dependencies.length ? `<h3>Dependencies learned (producer → consumer)</h3><ul>${reach.dependencies.map((d) => `<li><code>${esc(d.edge)}</code> <span class="muted">${esc(d.how.join(', '))}</span></li>`).join('')}</ul>` : '';
  return section(
    'reach',
    `Reach: ${reach.reached} of ${reach.total} operations`,
    `<p>${esc(reach.title)}</p>${table(
      ['operation', 'reached', 'status', 'how', 'what would fix it'],
      rows.map((r) => [`<code>${esc(r.operation)}</code>`, badge(r.reached ? 'passed' : 'failed'), esc(String(r.status ?? '—')), esc(describeWay(r)), r.fix ? `${esc(r.fix)}${r.request ? `<pre>${esc(r.request)}\n${esc(r.answer ?? '')}</pre>` : ''}` : ''])
    )}${graph}`,
  );
}

type MutationEvidence = { score: number; survivorsTotal: number; survivorsListed: number; report?: string; survivors: { file: string; line: number; column: number; mutator: string; replacement?: string; status: string }[] };

function mutationSection(stages: StageResult[], link: Link): string {
  const mutation = stages.find((s) => s.name === 'mutation');
  if (!mutation || (mutation.status !== 'passed' && mutation.status !== 'failed')) {
    return section('mutation', 'Mutation testing', `<p class="muted">The mutation stage did not run${mutation?.reason ? `: ${esc(mutation.reason)}` : ' (gauntlet run --stages mutation; stages.mutation in the config)'}.</p>`);
  }
  const check = mutation.checks.find((c) => c.id === 'mutation:score' && c.status === 'passed');
  if (!check) return section('mutation', 'Mutation testing', '<p class="muted">No mutation score: see the failed checks.</p>');
  const e = check.evidence as MutationEvidence;
  const detail = e.report ? ` <a href="${esc(link(e.report))}">every mutant</a>` : '';
  const more = e.survivorsTotal > e.survivorsListed ? `<p class="muted">The first ${e.survivorsListed} of ${e.survivorsTotal} survivors.</p>` : '';
  const rows = e.survivors.map((m) => [`<code>${esc(m.file)}:${m.line}:${m.column}</code>`, esc(m.mutator), m.replacement === undefined ? '' : `<code>${esc(m.replacement)}</code>`, esc(m.status === 'NoCoverage' ? 'no test covers it' : 'survived')]);
  const body = e.survivors.length ? table(['where', 'mutator', 'replacement', 'why it lives'], rows) : '<p class="ok-text">No mutant survived.</p>';
  return section('mutation', `Mutation testing: score ${esc(e.score)} %, ${e.survivorsTotal} survivors`, `<p>${esc(check.title)}${detail}</p>${body}${more}`);
}

/** The load stage's thresholds as horizontal bars: measured value against its limit (inline SVG). */
function loadSection(stages: StageResult[], gates: GateResult[]): string {
  const load = stages.find((s) => s.name === 'load');
  if (!load || (load.status !== 'passed' && load.status !== 'failed')) {
    return section('load', 'Load', `<p class="muted">The load stage did not run${load?.reason ? `: ${esc(load.reason)}` : '.'}</p>`);
  }
  const bars = gates.filter((g) => g.name.startsWith('load.') && g.actual !== null && g.threshold > 0);
  const width = 640;
  const rowHeight = 28;
  const rows = bars.map((g, i) => {
    const scale = Math.max(g.actual as number, g.threshold) * 1.1;
    const w = ((g.actual as number) / scale) * (width - 260);
    const limit = (g.threshold / scale) * (width - 260) + 250;
    return `<g transform="translate(0,${i * rowHeight})"><text x="0" y="18" font-size="12">${esc(g.name.replace(/^load\./, ''))}</text><rect x="250" y="6" width="${w.toFixed(1)}" height="16" class="${g.passed ? 'ok' : 'bad'}"/><line x1="${limit.toFixed(1)}" x2="${limit.toFixed(1)}" y1="2" y2="26" class="limit"/><text x="${(250 + w + 4).toFixed(1)}" y="18" font-size="11">${esc(g.actual)}</text></g>`;
  });
  const chart = bars.length ? `<svg role="img" aria-label="load thresholds" width="${width}" height="${bars.length * rowHeight + 4}">${rows.join('')}</svg><p class="muted">Bars: measured; line: the threshold. History and samples: <a href="load-report.html">load-report.html</a>.</p>` : '<p class="muted">No threshold had a measured value.</p>';
  const figures = loadFigures(stages);
  const overTime = load.timeline ? `<h3>Over the run</h3>${sparklines(load.timeline)}` : '';
  const measured = figures.length ? `<h3>Measured</h3>${table(['figure', 'value'], figures.map(([label, value]) => [esc(label), esc(value)]))}<p class="muted">Over the run and across runs (latency, throughput, memory, SQL statements per request): <a href="load-report.html">load-report.html</a>.</p>` : '';
  const grown = (load.tables ?? []).map((t) => `<h3>${esc(t.title)}</h3>${table(t.columns.map(esc), t.rows.map((row) => row.map(esc)))}${t.note ? `<p class="muted">${esc(t.note)}</p>` : ''}`).join('');
  return section('load', 'Load thresholds', chart + measured + grown + overTime);
}

/** Turns an absolute path a check names into a link relative to the page. */
type Link = (file: string) => string;

export function renderHtml(result: RunResult, dir?: string): string {
  const link: Link = (file) => (dir && path.isAbsolute(file) ? path.relative(dir, file).split(path.sep).join('/') : file);
  const verdict = result.passed ? 'passed' : 'failed';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gauntlet: ${esc(result.target.name)} ${verdict}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1d2330}
h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #dde;padding-bottom:4px}h3{margin:0 0 2px;font-size:14px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef;vertical-align:top}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;color:#fff}.badge.ok{background:#1f883d}.badge.bad{background:#cf222e}.badge.skip{background:#8c959f}
.verdict{font-size:20px;font-weight:600}.verdict.ok{color:#1f883d}.verdict.bad{color:#cf222e}.muted{color:#667}.ok-text{color:#1f883d}
pre{background:#f6f8fa;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}.failure{border-left:3px solid #cf222e;padding-left:10px;margin:12px 0}
.meter{display:inline-block;width:90px;height:8px;background:#eee;vertical-align:middle}.meter span{display:block;height:8px}.meter .ok,rect.ok{background:#1f883d;fill:#1f883d}.meter .bad,rect.bad{background:#cf222e;fill:#cf222e}
line.limit{stroke:#1d2330;stroke-width:2}
.failure.deviation{border-left-color:#bf8700}.severity{font-size:11px;text-transform:uppercase;color:#cf222e;margin-right:4px}.deviation .severity{color:#9a6700}
figure.spark{display:inline-block;margin:6px 16px 6px 0;color:#0969da}figure.spark figcaption{color:#667;font-size:12px}
</style></head><body>
<header><h1>Gauntlet: ${esc(result.target.name)}</h1>
<p class="verdict ${result.passed ? 'ok' : 'bad'}" id="verdict">${result.passed ? 'Passed' : 'Failed'}: exit ${result.exitCode}</p>
<p class="muted">${esc(result.environment)} environment · started ${esc(result.startedAt)} · ${(result.durationMs / 1000).toFixed(1)} s · ${result.gates.filter((g) => !g.passed).length} of ${result.gates.length} gates failed</p></header>
${stagesSection(result.stages)}
${gatesSection(result.gates)}
${failedSection(result.stages)}
${coverageSection(result.stages, link)}
${reachSection(result.stages)}
${apiCoverageSection(result.stages)}
${mutationSection(result.stages, link)}
${loadSection(result.stages, result.gates)}
</body></html>
`;
}
