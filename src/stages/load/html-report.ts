import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HistoryEntry } from './history.ts';
import type { Sample } from './sampler.ts';
import { esc } from '../../reporters/_html.ts';
import type { ServerSample } from '../../server-stats/server-sampler.ts';
import { ratePerSecond, statementsPerRequest } from '../../server-stats/timeline.ts';

const require = createRequire(import.meta.url);

/** The UMD build of Chart.js, inlined so the report works offline (a CI artifact, a file:// URL). */
async function chartJs(): Promise<string> {
  const main = require.resolve('chart.js');
  return readFile(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
}

/** One size of the volume profile, for the growth chart. */
export interface VolumeSize {
  rows: number;
  endpoints: Record<string, number>;
}

const escapeJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

/**
 * One self-contained HTML page: the history of runs (latency percentiles, throughput, error rate per
 * run) and this run's samples of /health and /metrics. Data is embedded as JSON; Chart.js draws it.
 */
export async function renderLoadReport(input: { title: string; history: HistoryEntry[]; samples: Sample[]; server?: ServerSample[]; healthyStatus: number; volume?: VolumeSize[] }): Promise<string> {
  // The volume profile: p95 per endpoint against the rows (log scale), one line per endpoint.
  const volume = input.volume ?? [];
  const endpoints = [...new Set(volume.flatMap((v) => Object.keys(v.endpoints)))].sort();
  const growth = { rows: volume.map((v) => v.rows), series: Object.fromEntries(endpoints.map((e) => [e, volume.map((v) => v.endpoints[e] ?? null)])) };
  const runs = input.history.map((h, i) => ({
    label: `#${i + 1} ${h.at.slice(0, 16).replace('T', ' ')}${h.commit ? ` ${h.commit.slice(0, 7)}` : ''}`,
    profile: h.profile,
    passed: h.passed,
    med: h.figures['http_req_duration.med'] ?? null,
    p95: h.figures['http_req_duration.p(95)'] ?? null,
    p99: h.figures['http_req_duration.p(99)'] ?? null,
    rps: h.figures['http_reqs.rate'] ?? null,
    errors: h.figures['http_req_failed.rate'] === undefined ? null : (h.figures['http_req_failed.rate'] as number) * 100,
    statementsPerRequest: h.figures['server.statementsPerRequest'] ?? null,
    memoryGrowthMb: h.figures['server.memoryGrowthMb'] ?? null,
    peakRssMb: h.figures['server.peakRssMb'] ?? null,
  }));
  // The server's side over this run: memory, CPU and statements per second between samples.
  const server = input.server ?? [];
  const serverSeries = {
    t: server.map((s) => (s.t / 1000).toFixed(1)),
    rssMb: server.map((s) => (s.rssBytes === undefined ? null : Math.round((s.rssBytes / 1048576) * 10) / 10)),
    cpuPercent: ratePerSecond(server, (s) => s.cpuSeconds).map((v, i) => (i === 0 ? null : (v ?? 0) * 100)),
    statementsPerSecond: ratePerSecond(server, (s) => s.statements),
    connections: server.map((s) => s.connections ?? null),
    keysWithoutTtl: server.map((s) => s.redis?.keysWithoutTtl ?? null),
    // k6's side at the same moments (its REST API): requests per second, and its p95 so far.
    rps: ratePerSecond(server, (s) => s.client?.requests),
    p95: server.map((s) => (s.client?.p95Ms === undefined ? null : Math.round(s.client.p95Ms * 10) / 10)),
    vus: server.map((s) => s.client?.vus ?? null),
    statementsPerRequest: statementsPerRequest(server),
  };
  const counters = [...new Set(input.samples.flatMap((s) => Object.keys(s.counters)))].slice(0, 6);
  const base = input.samples[0]?.counters ?? {};
  const sampled = {
    t: input.samples.map((s) => (s.t / 1000).toFixed(1)),
    healthy: input.samples.map((s) => (s.health === input.healthyStatus ? 1 : 0)),
    counters: Object.fromEntries(counters.map((c) => [c, input.samples.map((s) => (s.counters[c] ?? 0) - (base[c] ?? 0))])),
  };
  const rows = runs
    .slice(-20)
    .reverse()
    .map((r) => `<tr><td>${esc(r.label)}</td><td>${esc(r.profile)}</td><td>${r.passed ? 'pass' : 'FAIL'}</td><td>${r.med?.toFixed(1) ?? '–'}</td><td>${r.p95?.toFixed(1) ?? '–'}</td><td>${r.p99?.toFixed(1) ?? '–'}</td><td>${r.rps?.toFixed(1) ?? '–'}</td><td>${r.errors?.toFixed(3) ?? '–'}</td><td>${r.statementsPerRequest?.toFixed(2) ?? '–'}</td><td>${r.memoryGrowthMb?.toFixed(1) ?? '–'}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:1100px}canvas{max-height:320px;margin-bottom:2rem}table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>${esc(input.title)}</h1>
${volume.length ? '<h2>Cost as the data grows: p95 per endpoint (ms) against the rows</h2><canvas id="growth"></canvas>' : ''}
<h2>Latency per run (ms)</h2><canvas id="latency"></canvas>
<h2>Throughput (requests/s) and error rate (%) per run</h2><canvas id="throughput"></canvas>
<h2>This run: /health and /metrics while the load ran</h2><canvas id="samples"></canvas>
<h2>This run: latency and throughput as k6 saw them (p95 so far, requests/s, VUs)</h2><canvas id="client"></canvas>
<h2>This run: the server's side (memory, CPU, SQL statements per second, connections, Redis keys without a TTL)</h2><canvas id="server"></canvas>
<h2>Server per run: SQL statements per request and memory (MiB)</h2><canvas id="server-runs"></canvas>
<h2>Last runs</h2>
<table><thead><tr><th>run</th><th>profile</th><th>gate</th><th>median</th><th>p95</th><th>p99</th><th>req/s</th><th>errors %</th><th>SQL/request</th><th>memory growth MiB</th></tr></thead><tbody>
${rows}
</tbody></table>
<script>${await chartJs()}</script>
<script id="data" type="application/json">${escapeJson({ runs, sampled, serverSeries, growth })}</script>
<script>
const { runs, sampled, serverSeries, growth } = JSON.parse(document.getElementById('data').textContent);
if (growth.rows.length) new Chart(document.getElementById('growth'), { type: 'line', data: { datasets: Object.entries(growth.series).map(([name, values]) => ({ label: name, data: values.map((y, i) => ({ x: growth.rows[i], y })) })) },
  options: { scales: { x: { type: 'logarithmic', title: { display: true, text: 'rows' } }, y: { title: { display: true, text: 'p95 (ms)' } } } } });
const labels = runs.map((r) => r.label);
new Chart(document.getElementById('latency'), { type: 'line', data: { labels, datasets: [
  { label: 'median', data: runs.map((r) => r.med) }, { label: 'p95', data: runs.map((r) => r.p95) }, { label: 'p99', data: runs.map((r) => r.p99) } ] } });
new Chart(document.getElementById('throughput'), { type: 'line', data: { labels, datasets: [
  { label: 'requests/s', data: runs.map((r) => r.rps), yAxisID: 'y' }, { label: 'errors %', data: runs.map((r) => r.errors), yAxisID: 'y1' } ] },
  options: { scales: { y: { position: 'left' }, y1: { position: 'right', grid: { drawOnChartArea: false } } } } });
new Chart(document.getElementById('samples'), { type: 'line', data: { labels: sampled.t, datasets: [
  { label: 'healthy (1) / not (0)', data: sampled.healthy, stepped: true, yAxisID: 'y1' },
  ...Object.entries(sampled.counters).map(([name, values]) => ({ label: name + ' (since start)', data: values, yAxisID: 'y' })) ] },
  options: { scales: { y: { position: 'left' }, y1: { position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false } } } } });
new Chart(document.getElementById('client'), { type: 'line', data: { labels: serverSeries.t, datasets: [
  { label: 'p95 so far (ms)', data: serverSeries.p95, yAxisID: 'y' }, { label: 'requests/s', data: serverSeries.rps, yAxisID: 'y1' }, { label: 'VUs', data: serverSeries.vus, yAxisID: 'y1' } ] },
  options: { scales: { y: { position: 'left' }, y1: { position: 'right', grid: { drawOnChartArea: false } } } } });
new Chart(document.getElementById('server'), { type: 'line', data: { labels: serverSeries.t, datasets: [
  { label: 'RSS MiB', data: serverSeries.rssMb, yAxisID: 'y' }, { label: 'CPU % of a core', data: serverSeries.cpuPercent, yAxisID: 'y1' },
  { label: 'SQL statements/s', data: serverSeries.statementsPerSecond, yAxisID: 'y1' }, { label: 'SQL statements per request', data: serverSeries.statementsPerRequest, yAxisID: 'y1' }, { label: 'connections', data: serverSeries.connections, yAxisID: 'y1' },
  { label: 'Redis keys without TTL', data: serverSeries.keysWithoutTtl, yAxisID: 'y1' } ] },
  options: { scales: { y: { position: 'left' }, y1: { position: 'right', grid: { drawOnChartArea: false } } } } });
new Chart(document.getElementById('server-runs'), { type: 'line', data: { labels, datasets: [
  { label: 'SQL statements per request', data: runs.map((r) => r.statementsPerRequest), yAxisID: 'y' },
  { label: 'memory growth MiB', data: runs.map((r) => r.memoryGrowthMb), yAxisID: 'y1' }, { label: 'peak RSS MiB', data: runs.map((r) => r.peakRssMb), yAxisID: 'y1' } ] },
  options: { scales: { y: { position: 'left' }, y1: { position: 'right', grid: { drawOnChartArea: false } } } } });
</script>
</body></html>
`;
}
