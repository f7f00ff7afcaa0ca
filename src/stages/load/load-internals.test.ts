import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { appendHistory, compareWithBaseline, readHistory, type HistoryEntry } from './history.ts';
import { renderLoadReport } from './html-report.ts';
import { k6OperatorManifest } from './k6-operator.ts';
import { confirmRegressions, trackedMetrics } from './load-stage.ts';
import { compact, compactAll, readDurations } from './durations.ts';
import { slowerThan } from './rank-sum.ts';
import { SIGNIFICANCE } from './history.ts';
import { gzipSync } from 'node:zlib';
import { counterTotals, summariseSamples } from './sampler.ts';
import { figuresOf, parseSummary, SummaryError, thresholdsOf } from './summary.ts';
import { verdict } from './verdict.ts';

/** Real k6 v1.6.0 output (see test/fixtures/k6-recorded/SOURCE.md). */
const RECORDED = fileURLToPath(new URL('../../../test/fixtures/k6-recorded/', import.meta.url));
const recorded = async (file: string) => readFile(path.join(RECORDED, file), 'utf8');
const summary = async (which: 'pass' | 'fail') => parseSummary(await recorded(`summary-${which}.json`), `summary-${which}.json`);
const rc = async (which: 'pass' | 'fail') => Number((await recorded(`rc-${which}.txt`)).split('=')[1]);

describe('k6 handleSummary data (recorded)', () => {
  it('reads every threshold of the failing run with k6 verdict, aggregation, limit and actual value', async () => {
    expect(thresholdsOf(await summary('fail'))).toEqual([
      { metric: 'http_req_duration', expression: 'p(99)<1000', ok: true, aggregation: 'p(99)', operator: '<', limit: 1000 },
      { metric: 'http_req_duration{name:slow}', expression: 'p(95)<200', ok: false, aggregation: 'p(95)', operator: '<', limit: 200, actual: 253.205004 },
      { metric: 'http_req_failed', expression: 'rate<0.001', ok: false, aggregation: 'rate', operator: '<', limit: 0.001, actual: 0.01912568306010929 },
    ]);
  });

  it('takes the key figures, tagged endpoints included', async () => {
    const f = figuresOf(await summary('fail'));
    expect(f['http_req_duration.p(95)']).toBeCloseTo(252.49, 1);
    expect(f['http_req_duration{name:slow}.p(95)']).toBeCloseTo(253.2, 1);
    expect(f['http_reqs.count']).toBe(366);
    expect(f['http_req_failed.rate']).toBeCloseTo(0.0191, 3);
    expect(f.durationMs).toBeCloseTo(6229.9, 0);
  });

  it('refuses what is not handleSummary data, naming the fix', () => {
    expect(() => parseSummary('level=error msg="thresholds crossed"', 'stdout.txt')).toThrow(SummaryError);
    expect(() => parseSummary('{"metrics": {"x": {"type": "trend"}}}', 's.json')).toThrow(/metrics\.x\.values/);
  });
});

describe('verdict: thresholds become checks and gates; the exit code is authoritative', () => {
  it('the passing run: every threshold and the exit code pass', async () => {
    const { checks, gates } = verdict(await summary('pass'), await rc('pass'));
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['load:threshold:checks:rate>0.99', 'passed'],
      ['load:threshold:http_req_duration:p(95)<200', 'passed'],
      ['load:threshold:http_req_failed:rate<0.001', 'passed'],
      ['load:k6-exit', 'passed'],
    ]);
    expect(gates.every((g) => g.passed)).toBe(true);
    expect(gates.find((g) => g.name === 'load.http_req_duration.p(95)<200')).toMatchObject({ comparator: '<=', threshold: 200, passed: true });
  });

  it('the failing run (exit 99): the crossed thresholds and the exit fail, with the figures', async () => {
    const { checks, gates } = verdict(await summary('fail'), await rc('fail'));
    const failed = checks.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.id)).toEqual(['load:threshold:http_req_duration{name:slow}:p(95)<200', 'load:threshold:http_req_failed:rate<0.001', 'load:k6-exit']);
    expect(failed[0]?.message).toBe('k6 reports the threshold crossed: p(95) is 253.21 (must be p(95)<200)');
    expect(failed[2]?.message).toMatch(/^k6 exited 99: thresholds crossed \(http_req_duration\{name:slow\} p\(95\)<200, http_req_failed rate<0\.001\)$/);
    expect(gates.filter((g) => !g.passed).map((g) => g.name)).toEqual(['load.http_req_duration{name:slow}.p(95)<200', 'load.http_req_failed.rate<0.001']);
  });

  it('exit 99 while every threshold says ok (seen when the target was not listening yet) still fails', async () => {
    const { checks } = verdict(await summary('pass'), 99);
    expect(checks.find((c) => c.id === 'load:k6-exit')).toMatchObject({ status: 'failed', message: expect.stringMatching(/although every threshold in its summary says ok: the exit code is authoritative/) });
  });

  it('any other exit code fails with the last lines k6 printed', async () => {
    const { checks } = verdict(await summary('pass'), 107, ['level=error msg="script exception"']);
    expect(checks.at(-1)).toMatchObject({ status: 'failed', message: 'k6 exited 107\nlevel=error msg="script exception"' });
  });
});

describe('history and baselines', () => {
  const entry = (figures: HistoryEntry['figures'], overrides: Partial<HistoryEntry> = {}): HistoryEntry => ({ at: '2026-11-01T00:00:00.000Z', profile: 'load', script: 'load/a.k6.ts', target: 't', passed: true, figures, ...overrides });

  it('a run far slower than the median of the last passing runs is a regression naming the metric and the change', async () => {
    const pass = figuresOf(await summary('pass'));
    const slow = figuresOf(await summary('fail'));
    const history = [1, 2, 3, 4, 5].map(() => entry(pass));
    const checks = compareWithBaseline(slow, history, { script: 'load/a.k6.ts', profile: 'load' }, trackedMetrics(25), { runs: 5, minimumRuns: 1 });
    const p95 = checks.find((c) => c.id === 'load:regression:http_req_duration.p(95)');
    expect(p95?.status).toBe('failed');
    expect(p95?.message).toMatch(/^regression: http_req_duration\.p\(95\) 252\.49 vs baseline [\d.]+ \(\+\d+(\.\d+)?%, 5 runs, from [\d.]+ to [\d.]+\), beyond the 25% tolerance and every baseline run$/);
    // and the same run against itself is no regression
    const same = compareWithBaseline(pass, history, { script: 'load/a.k6.ts', profile: 'load' }, trackedMetrics(25), { runs: 5, minimumRuns: 1 });
    expect(same.filter((c) => c.status === 'failed')).toEqual([]);
    expect(same.find((c) => c.id === 'load:regression:http_req_duration.p(99)')).toMatchObject({ status: 'skipped', message: 'this run did not report http_req_duration.p(99)' });
  });

  it('uses only passing runs of the same script and profile, the last N, by median (one outlier does not move it)', () => {
    const history = [entry({ 'http_req_duration.p(95)': 1000 }), entry({ 'http_req_duration.p(95)': 100 }), entry({ 'http_req_duration.p(95)': 100 }), entry({ 'http_req_duration.p(95)': 400 }), entry({ 'http_req_duration.p(95)': 100 }), entry({ 'http_req_duration.p(95)': 5 }, { passed: false }), entry({ 'http_req_duration.p(95)': 5 }, { profile: 'smoke' })];
    const [check] = compareWithBaseline({ 'http_req_duration.p(95)': 120 }, history, { script: 'load/a.k6.ts', profile: 'load' }, [{ key: 'http_req_duration.p(95)', worse: 'higher', tolerancePercent: 25, minimumChange: 5 }], { runs: 4, minimumRuns: 1 });
    expect(check?.evidence).toMatchObject({ baseline: 100, runs: 4, percent: 20 });
    expect(check?.status).toBe('passed');
  });

  it('throughput regresses downwards; tiny absolute changes are noise; no history is a skip', () => {
    const history = [entry({ 'http_reqs.rate': 100, 'http_req_duration.med': 2 })];
    const checks = compareWithBaseline({ 'http_reqs.rate': 60, 'http_req_duration.med': 4 }, history, { script: 'load/a.k6.ts', profile: 'load' }, trackedMetrics(25), { runs: 5, minimumRuns: 1 });
    expect(checks.find((c) => c.id === 'load:regression:http_reqs.rate')?.status).toBe('failed');
    expect(checks.find((c) => c.id === 'load:regression:http_req_duration.med')?.status).toBe('passed'); // +100% but only 2 ms
    expect(compareWithBaseline({ 'http_reqs.rate': 60 }, [], { script: 'load/a.k6.ts', profile: 'load' }, trackedMetrics(25), { runs: 5, minimumRuns: 1 }).find((c) => c.id === 'load:regression:http_reqs.rate')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^no baseline yet/) });
  });

  it('volume runs and PR runs are never each other\'s baseline: only runs at the same volume rows compare', () => {
    const pr = [1, 2].map(() => entry({ 'http_req_duration.p(95)': 20 }));
    const nightly = [1, 2].map(() => entry({ 'http_req_duration.p(95)': 60 }, { volumeRows: 100_000 }));
    const rule = [{ key: 'http_req_duration.p(95)', worse: 'higher' as const, tolerancePercent: 25, minimumChange: 5 }];
    const [atVolume] = compareWithBaseline({ 'http_req_duration.p(95)': 62 }, [...pr, ...nightly], { script: 'load/a.k6.ts', profile: 'load', volumeRows: 100_000 }, rule, { runs: 5, minimumRuns: 1 });
    expect(atVolume).toMatchObject({ status: 'passed', evidence: expect.objectContaining({ baseline: 60, runs: 2 }) });
    const [withoutVolume] = compareWithBaseline({ 'http_req_duration.p(95)': 21 }, [...pr, ...nightly], { script: 'load/a.k6.ts', profile: 'load' }, rule, { runs: 5, minimumRuns: 1 });
    expect(withoutVolume).toMatchObject({ status: 'passed', evidence: expect.objectContaining({ baseline: 20, runs: 2 }) });
  });

  it('too few baseline runs: a change beyond the tolerance is inconclusive, with the figures, never a failure', () => {
    const history = [entry({ 'http_req_duration.p(95)': 10 }), entry({ 'http_req_duration.p(95)': 11 })];
    const [check] = compareWithBaseline({ 'http_req_duration.p(95)': 30 }, history, { script: 'load/a.k6.ts', profile: 'load' }, [{ key: 'http_req_duration.p(95)', worse: 'higher', tolerancePercent: 25, minimumChange: 5 }], { runs: 5, minimumRuns: 5 });
    expect(check).toMatchObject({ status: 'skipped', message: 'inconclusive: http_req_duration.p(95) 30 vs baseline 10.5 (+185.71%, 2 runs, from 10 to 11): beyond the 25% tolerance, but a baseline of 2 runs cannot tell a regression from a busy machine (history.minimumRuns: 5)' });
  });

  it('within what the baseline runs themselves measured is no regression, however far from their median', () => {
    const history = [10, 10, 10, 10, 40].map((p95) => entry({ 'http_req_duration.p(95)': p95 }));
    const [check] = compareWithBaseline({ 'http_req_duration.p(95)': 35 }, history, { script: 'load/a.k6.ts', profile: 'load' }, [{ key: 'http_req_duration.p(95)', worse: 'higher', tolerancePercent: 25, minimumChange: 5 }], { runs: 5, minimumRuns: 5 });
    expect(check).toMatchObject({ status: 'passed', message: expect.stringMatching(/within what the baseline runs themselves measured$/) });
  });

  describe('the rank-sum test on the per-request durations', () => {
    const random = seeded(7);
    const run = (center: number, n = 400) => Array.from({ length: n }, () => center * (0.5 + random()));
    const rules = { runs: 5, minimumRuns: 5 };
    const p95 = [{ key: 'http_req_duration{name:list}.p(95)', worse: 'higher' as const, tolerancePercent: 25, minimumChange: 5 }];
    const history = [1, 2, 3, 4, 5].map(() => entry({ 'http_req_duration{name:list}.p(95)': 20 }, { durations: { 'http_req_duration{name:list}': compact(run(13)) } }));

    it('fails a run whose requests are slower, naming the test', () => {
      const [check] = compareWithBaseline({ 'http_req_duration{name:list}.p(95)': 40 }, history, { script: 'load/a.k6.ts', profile: 'load' }, p95, rules, { 'http_req_duration{name:list}': run(26) });
      expect(check).toMatchObject({ status: 'failed', message: expect.stringMatching(/the requests are slower than the baseline runs' \(rank-sum p = < 0\.0001, median \+\d+(\.\d+)? ms\)$/) });
    });

    it('passes a run whose p95 is up by a few slow requests while its requests are not slower', () => {
      const tail = [...run(13, 380), ...Array.from({ length: 20 }, () => 60)];
      const [check] = compareWithBaseline({ 'http_req_duration{name:list}.p(95)': 40 }, history, { script: 'load/a.k6.ts', profile: 'load' }, p95, rules, { 'http_req_duration{name:list}': tail });
      expect(check).toMatchObject({ status: 'passed', message: expect.stringMatching(/but the requests are not slower than the baseline runs' by the rank-sum test \(p = [\d.]+, 400 requests against 1000\)$/) });
    });

    it('the p-value: tiny for a shift, above the bar for the same distribution, near one for a faster one', () => {
      expect(slowerThan(run(20), run(10)).p).toBeLessThan(0.0001);
      expect(slowerThan(run(10), run(10)).p).toBeGreaterThan(SIGNIFICANCE);
      expect(slowerThan(run(10), run(20)).p).toBeGreaterThan(0.99);
    });
  });

  it('a regression stays failed only when the confirming re-run regresses too; otherwise inconclusive with both figures', () => {
    const failed = (id: string, message: string) => ({ id, stage: 'load', title: id, status: 'failed' as const, message, evidence: { current: 40 } });
    const first = [failed('load:regression:a', 'regression: a 40 vs baseline 20'), failed('load:regression:b', 'regression: b 41 vs baseline 20'), { id: 'load:regression:c', stage: 'load', title: 'c', status: 'passed' as const }];
    const again = [failed('load:regression:a', 'regression: a 42 vs baseline 20'), { id: 'load:regression:b', stage: 'load', title: 'b', status: 'passed' as const, message: 'b 21 vs baseline 20' }];
    const [a, b, c] = confirmRegressions(first, again);
    expect(a).toMatchObject({ status: 'failed', message: 'regression: a 40 vs baseline 20\nconfirmed by a second run of the profile: a 42 vs baseline 20' });
    expect(b).toMatchObject({ status: 'skipped', message: 'inconclusive: b 41 vs baseline 20\nbut the confirming re-run measured b 21 vs baseline 20: not a regression both times, so the machine may have been busy' });
    expect(c?.status).toBe('passed');
    expect(confirmRegressions(first, undefined)[0]).toMatchObject({ status: 'skipped', message: expect.stringMatching(/the confirming re-run could not be measured/) });
  });

  it('reads every request duration from k6 CSV output, per tagged endpoint, and compacts a run to evenly spaced quantiles', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'gauntlet-durations-')), 'd.csv.gz');
    const header = 'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';
    const row = (metric: string, value: number, name: string, url: string) => `${metric},1796583498,${value},,,,true,,GET,${name},HTTP/1.1,default,,200,,,${url},,`;
    // An untagged request is named by its URL, quoted by k6 when it holds a comma or a quote.
    const quoted = '"http://x/b?q=""a,b"""';
    await writeFile(file, gzipSync([header, row('http_reqs', 1, 'list', 'http://x/a'), row('http_req_duration', 3.5, 'list', 'http://x/a'), row('http_req_duration', 7, 'list', 'http://x/a'), row('http_req_duration', 2, quoted, quoted)].join('\n')));
    const durations = await readDurations(file);
    expect(durations).toEqual({ http_req_duration: [3.5, 7, 2], 'http_req_duration{name:list}': [3.5, 7], 'http_req_duration{name:http://x/b?q="a,b"}': [2] });
    // The history keeps the keys the summary has figures for: the run's and its tagged endpoints'.
    expect(Object.keys(compactAll(durations, { 'http_req_duration.p(95)': 1, 'http_req_duration{name:list}.p(95)': 1, 'http_reqs.rate': 3 }))).toEqual(['http_req_duration', 'http_req_duration{name:list}']);
    // A k6 that wrote no CSV (or a torn one) is a rejection the stage handles, never a crash.
    await expect(readDurations(path.join(path.dirname(file), 'none.csv.gz'))).rejects.toThrow(/ENOENT/);
    await writeFile(path.join(path.dirname(file), 'torn.csv.gz'), gzipSync(header).subarray(0, 12));
    await expect(readDurations(path.join(path.dirname(file), 'torn.csv.gz'))).rejects.toThrow();
    const kept = compact(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(kept).toHaveLength(200);
    expect(kept[0]).toBeCloseTo(3, 0);
    expect(kept[199]).toBeCloseTo(998, 0);
  });

  it('appends JSON lines and reads them back, skipping a torn last line', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'gauntlet-history-')), 'nested', 'history.jsonl');
    await appendHistory(file, entry({ 'http_reqs.rate': 1 }));
    await appendHistory(file, entry({ 'http_reqs.rate': 2 }));
    await writeFile(file, `${await readFile(file, 'utf8')}{"at": "2026-`);
    expect((await readHistory(file)).map((h) => h.figures['http_reqs.rate'])).toEqual([1, 2]);
    expect(await readHistory(path.join(path.dirname(file), 'none.jsonl'))).toEqual([]);
  });
});

describe('samples, report and k6-operator manifest', () => {
  it('sums counter families and summarises health samples', () => {
    const text = '# TYPE http_requests_total counter\nhttp_requests_total{route="/a"} 3\nhttp_requests_total{route="/b"} 4\n# TYPE up gauge\nup 1\n';
    expect(counterTotals(text)).toEqual({ http_requests_total: 7 });
    const samples = [{ t: 0, health: 200, counters: { q: 10 } }, { t: 1000, health: 503, counters: { q: 25 } }, { t: 2000, health: 200, counters: { q: 40 } }];
    expect(summariseSamples(samples, 200)).toEqual({ healthy: 2, unhealthy: 1, metricsDelta: { q: 30 } });
  });

  it('renders a self-contained HTML report with the history and the samples as data', async () => {
    const pass = figuresOf(await summary('pass'));
    const html = await renderLoadReport({ title: 'demo <load>', history: [{ at: '2026-11-01T00:00:00.000Z', profile: 'smoke', script: 's', target: 't', passed: true, figures: pass }], samples: [{ t: 0, health: 200, counters: { q: 1 } }], healthyStatus: 200 });
    expect(html).toContain('<title>demo &lt;load&gt;</title>');
    expect(html).toMatch(/Chart\.js v4/); // inlined, works offline
    const data = JSON.parse(/<script id="data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as { runs: { p95: number }[]; sampled: { healthy: number[] } };
    expect(data.runs[0]?.p95).toBeCloseTo(pass['http_req_duration.p(95)'] as number);
    expect(data.sampled.healthy).toEqual([1]);
  });

  it('emits a k6-operator TestRun with the bundled script in a ConfigMap', async () => {
    const script = fileURLToPath(new URL('../../../load/companion-api.k6.ts', import.meta.url));
    const yaml = await k6OperatorManifest({ script, name: 'companion-api load', parallelism: 4, env: { BASE_URL: 'http://companion-api:3000', PROFILE: 'load' } });
    const [configMap, testRun] = parseAllDocuments(yaml).map((d) => d.toJS() as Record<string, any>);
    expect(testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: 'companion-api-load' }, spec: { parallelism: 4, script: { configMap: { name: 'companion-api-load-script', file: 'companion-api.k6.js' } } } });
    expect(testRun?.spec.arguments).toBe('-e BASE_URL=http://companion-api:3000 -e PROFILE=load');
    const bundled = configMap?.data['companion-api.k6.js'] as string;
    expect(bundled).toMatch(/from "k6\/http"/); // k6 modules stay imports
    expect(bundled).toContain('function scenariosFor'); // local modules are bundled in
    expect(parseYaml(yaml.split('---')[0] as string)).toMatchObject({ kind: 'ConfigMap' });
  });
});

/** A small deterministic generator (mulberry32): the same samples on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
