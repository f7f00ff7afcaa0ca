import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { logger } from '../../log/logger.ts';
import { mayTarget } from '../../net/loopback.ts';
import { freePort } from '../../process/free-port.ts';
import { ManagedProcess } from '../../process/managed-process.ts';
import type { CheckResult } from '../../results/types.ts';
import type { Stage, StageContext, StageOutcome } from '../types.ts';
import { appendHistory, compareWithBaseline, readHistory, type HistoryEntry, type TrackedMetric } from './history.ts';
import { compactAll, readDurations, type Durations } from './durations.ts';
import { renderLoadReport } from './html-report.ts';
import { findK6, K6_INSTALL_HINT } from './k6-binary.ts';
import { startSampler, summariseSamples, type Sample } from './sampler.ts';
import { databaseOf } from '../../server-stats/postgres-stats.ts';
import { startServerSampler } from '../../server-stats/server-sampler.ts';
import { timelineOf } from '../../server-stats/timeline.ts';
import { serverVerdict, type ServerFigures } from '../../server-stats/verdict.ts';
import { figuresOf, parseSummary, SummaryError, type Figures, type K6Summary } from './summary.ts';
import { verdict } from './verdict.ts';
import { loadUsers } from './load-users.ts';
import { measureVolumes, type VolumeRun } from './volume/volume.ts';

const log = logger('k6');

/**
 * What a regression is measured on: latency up (the whole run's and each tagged endpoint's p95, so
 * one endpoint three times slower is a regression even when the whole run's p95 is not),
 * throughput down, errors up, and the server doing more work per request.
 */
export function trackedMetrics(tolerancePercent: number, figures: Figures = {}): TrackedMetric[] {
  const endpoints = Object.keys(figures).filter((key) => /^http_req_duration\{name:[^}]+\}\.p\(95\)$/.test(key)).sort();
  return [
    { key: 'http_req_duration.med', worse: 'higher', tolerancePercent, minimumChange: 5 },
    { key: 'http_req_duration.p(95)', worse: 'higher', tolerancePercent, minimumChange: 5 },
    { key: 'http_req_duration.p(99)', worse: 'higher', tolerancePercent, minimumChange: 10 },
    ...endpoints.map((key) => ({ key, worse: 'higher' as const, tolerancePercent, minimumChange: 5 })),
    { key: 'http_reqs.rate', worse: 'lower', tolerancePercent, minimumChange: 1 },
    { key: 'http_req_failed.rate', worse: 'higher', tolerancePercent, minimumChange: 0.001 },
    { key: 'server.statementsPerRequest', worse: 'higher', tolerancePercent, minimumChange: 0.5 },
  ];
}

async function gitCommit(cwd: string): Promise<string | undefined> {
  return promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5_000 })
    .then(({ stdout }) => stdout.trim() || undefined)
    .catch(() => undefined);
}

/**
 * The load stage: runs the k6 script against the started target with the profile, reads the
 * handleSummary JSON, maps thresholds to checks and gates (k6's exit code authoritative), samples
 * /health and /metrics meanwhile, appends the run to the history and compares it with the baseline,
 * and writes an HTML report. Without k6 it is skipped with the install hint.
 */
export const loadStage: Stage = {
  name: 'load',
  description: 'k6 profiles, thresholds, baselines and trends',
  async run(context: StageContext): Promise<StageOutcome> {
    const { config, target } = context;
    const settings = config.stages.load;
    if (!settings) return { status: 'skipped', reason: 'no stages.load in gauntlet.config.ts (a k6 script and its profile)', checks: [] };
    const k6 = await findK6();
    if (!k6) {
      const reason = process.env.K6_BINARY ? `K6_BINARY is ${process.env.K6_BINARY}, which is not an executable file. ${K6_INSTALL_HINT}` : `k6 not found on PATH. ${K6_INSTALL_HINT}`;
      return { status: 'skipped', reason, checks: [] };
    }
    const refuse = (message: string): StageOutcome => ({ status: 'failed', reason: message, checks: [{ id: 'load:refused', stage: 'load', title: 'the load may be sent to this target', status: 'failed', message }] });
    if (!mayTarget(target.url, config.environment.external.loadAllowlist)) {
      return refuse(`refusing to load ${target.url}: not loopback and not in environment.external.loadAllowlist (add the host there if this target is yours to load)`);
    }
    if (!context.environment.disposable) {
      return refuse('refusing to load a database that is not disposable: set environment.external.disposable: true for a database that may be filled with load data');
    }

    const dir = path.join(config.reportsDir, 'load');
    await mkdir(dir, { recursive: true });
    const dataFile = path.join(dir, 'data.json');
    await writeFile(dataFile, JSON.stringify({ users: loadUsers(settings.data.users, settings.data.seed, settings.data.user) }));

    // The volume profile (--volume): the data grows size by size and the profile runs at each; the stage's verdict is on the largest.
    const volume = settings.volume?.enabled ? await measureVolumes(context, settings.volume, settings.data.seed, async (label) => forVolume(await measure(context, k6.path, dataFile, dir, label))) : undefined;
    const run = volume?.last ?? (await measure(context, k6.path, dataFile, dir, 'run'));
    if ('failed' in run) return { status: 'failed', checks: [...(volume?.checks ?? []), run.failed], ...(volume ? { tables: volume.tables } : {}) };
    const { summary, exitCode, samples, observed, durations } = run;
    const { checks, gates } = verdict(summary, exitCode, run.logs);
    const sampled = summariseSamples(samples, config.target.health.status);
    checks.push({
      id: 'load:health',
      stage: 'load',
      title: `${config.target.health.path} stayed healthy while the load ran`,
      status: samples.length === 0 ? 'skipped' : sampled.unhealthy === 0 ? 'passed' : 'failed',
      message: `${sampled.healthy} healthy and ${sampled.unhealthy} unhealthy samples every ${settings.sample.intervalMs} ms`,
      evidence: { ...sampled },
    });

    if (volume) checks.push(...volume.checks);
    // The rows the largest size asked for (what a run measures varies by the rows k6 itself adds): runs at the same size compare.
    const largest = volume?.sizes.at(-1);
    const volumeRows = largest && settings.volume ? Math.round(settings.volume.base * largest.size) : undefined;

    const serverSide = serverVerdict(observed, requestCounts(summary, settings), settings.server);
    checks.push(...serverSide.checks);
    gates.push(...serverSide.gates);
    const figures = figuresWithServer(summary, serverSide.figures);
    const historyFile = path.resolve(settings.history.file);
    const history = await readHistory(historyFile);
    const scriptId = path.relative(process.cwd(), path.resolve(settings.script));
    const compare = (f: Figures, d: Durations | undefined) => compareWithBaseline(f, history, { script: scriptId, profile: settings.profile, ...(volumeRows ? { volumeRows } : {}) }, trackedMetrics(settings.history.tolerancePercent, figures), { runs: settings.history.baselineRuns, minimumRuns: settings.history.minimumRuns }, d);
    const regressions = compare(figures, durations);
    // A regression fails only when a second run of the same profile shows it too: one busy minute on a shared runner is not one.
    if (regressions.some((c) => c.status === 'failed')) {
      log('a regression: the profile runs again to confirm it');
      const again = await measure(context, k6.path, dataFile, dir, 'confirm');
      checks.push(...confirmRegressions(regressions, 'failed' in again ? undefined : compare(figuresWithServer(again.summary, serverVerdict(again.observed, requestCounts(again.summary, settings), settings.server).figures), again.durations)));
    } else checks.push(...regressions);
    const passed = checks.every((c) => c.status !== 'failed');
    const entry: HistoryEntry = { at: new Date().toISOString(), profile: settings.profile, script: scriptId, target: config.target.name, commit: await gitCommit(process.cwd()), passed, figures, samples: sampled, ...(volumeRows ? { volumeRows } : {}), ...(durations ? { durations: compactAll(durations, figures) } : {}) };
    if (settings.history.record) await appendHistory(historyFile, entry);
    const reportFile = path.join(config.reportsDir, 'load-report.html');
    // The report's history is the figures; the kept durations stay in the history file.
    await writeFile(reportFile, await renderLoadReport({ title: `${config.target.name}: load (${settings.profile})`, history: [...history, entry].map(({ durations: _, ...h }) => h), samples, server: observed.samples, healthyStatus: config.target.health.status, ...(volume ? { volume: volume.sizes } : {}) }));
    for (const check of checks) context.onCheck(check);
    const metrics = { ...Object.fromEntries(Object.entries(figures).filter((e): e is [string, number] => typeof e[1] === 'number').map(([k, v]) => [`load.${k}`, v])), ...volume?.metrics };
    return { status: passed ? 'passed' : 'failed', checks, gates, metrics, timeline: timelineOf(observed.samples), ...(volume ? { tables: volume.tables } : {}) };
  },
};

type Measured = { summary: K6Summary; exitCode: number; logs: string[]; samples: Sample[]; observed: Awaited<ReturnType<Awaited<ReturnType<typeof startServerSampler>>['stop']>>; durations: Durations | undefined };

/**
 * One run of the k6 script with the profile, sampled meanwhile (health and metrics, the server's
 * process and database), with every request's duration (k6's CSV output, gzipped). `label` names
 * its files: `run` for the run, `confirm` for the re-run that confirms a regression, `volume-<size>x`
 * for a size of the volume profile.
 */
async function measure(context: StageContext, k6: string, dataFile: string, dir: string, label: string): Promise<Measured | { failed: CheckResult }> {
  const { config, target } = context;
  const settings = config.stages.load as NonNullable<typeof config.stages.load>;
  const summaryFile = path.join(dir, label === 'run' ? 'summary.json' : `summary.${label}.json`);
  const durationsFile = path.join(dir, `durations.${label}.csv.gz`);
  await rm(summaryFile, { force: true });
  await rm(durationsFile, { force: true });
  // Both samplers are bounded by the run's timeout: one sample an interval, and the last.
  const maxSamples = Math.ceil((settings.timeoutSeconds * 1000) / settings.sample.intervalMs) + 1;
  const sampler = startSampler({
    healthUrl: `${target.url}${config.target.health.path}`,
    healthStatus: config.target.health.status,
    metricsUrl: settings.sample.metricsPath ? `${target.url}${settings.sample.metricsPath}` : undefined,
    intervalMs: settings.sample.intervalMs,
    maxSamples,
  });
  const k6Api = `127.0.0.1:${await freePort()}`;
  const server = await startServerSampler({
    k6Api: `http://${k6Api}`,
    pid: target.pid,
    containerId: target.containerId,
    adminUrl: context.gauntlet.adminUrl ?? undefined,
    database: databaseOf(context.gauntlet.databaseUrl),
    redisUrl: context.gauntlet.redisUrl,
    intervalMs: settings.sample.intervalMs,
    maxSamples,
  });
  const env = { BASE_URL: target.url, PROFILE: settings.profile, DATA_FILE: dataFile, SUMMARY_FILE: summaryFile, ...settings.env };
  // --out on the command line, never K6_OUT in the environment (k6 reads it as --out for every run).
  const args = ['run', '--no-color', '--quiet', '--address', k6Api, '--out', `csv=${durationsFile}`, ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), path.resolve(settings.script)];
  log('%s %s', k6, args.join(' '));
  const proc = new ManagedProcess({ name: 'k6', command: [k6, ...args], cwd: path.dirname(path.resolve(settings.script)), logFile: path.join(dir, label === 'run' ? 'k6.log' : `k6.${label}.log`) });
  const timer = setTimeout(() => void proc.stop('SIGTERM', 10_000), settings.timeoutSeconds * 1000);
  const exit = await proc.exited.finally(() => clearTimeout(timer));
  const samples = await sampler.stop();
  const observed = await server.stop();
  const exitCode = exit.code ?? 128;

  const summaryText = await readFile(summaryFile, 'utf8').catch(() => undefined);
  if (summaryText === undefined) {
    return { failed: { id: 'load:summary', stage: 'load', title: 'k6 wrote its handleSummary JSON', status: 'failed', message: `k6 exited ${exitCode} (${exit.signal ?? 'no signal'}) and wrote no ${summaryFile}: the script's handleSummary must return { [__ENV.SUMMARY_FILE]: JSON.stringify(data) }\n${proc.logs.last(15).join('\n')}` } };
  }
  let summary: K6Summary;
  try {
    summary = parseSummary(summaryText, summaryFile);
  } catch (error) {
    if (!(error instanceof SummaryError)) throw error;
    return { failed: { id: 'load:summary', stage: 'load', title: 'k6 wrote its handleSummary JSON', status: 'failed', message: error.message } };
  }
  // Without them (a k6 that wrote no CSV) a regression is judged on the figures alone.
  const durations = await readDurations(durationsFile).catch((error: unknown) => {
    log('no per-request durations from %s: %s', durationsFile, (error as Error).message);
    return undefined;
  });
  return { summary, exitCode, logs: proc.logs.last(10), samples, observed, durations };
}

/** A run as the volume profile reads it: the statements and the connections at their peaks. */
function forVolume(measured: Measured | { failed: CheckResult }): (Measured & VolumeRun) | { failed: CheckResult } {
  if ('failed' in measured) return measured;
  const { observed } = measured;
  const peak = (pick: (s: (typeof observed.samples)[number]) => number | undefined) => Math.max(0, ...observed.samples.map(pick).filter((v): v is number => v !== undefined));
  const postgres = observed.sources.postgres;
  return {
    ...measured,
    statements: observed.statements?.statements,
    ...(postgres.available ? {} : { statementsMissing: postgres.reason }),
    connections: observed.samples.some((s) => s.connections !== undefined) ? { total: peak((s) => s.connections), active: peak((s) => s.activeConnections), idleInTransaction: peak((s) => s.idleInTransaction), waitingOnLock: peak((s) => s.lockWaits) } : undefined,
  };
}

/** Every request the target answered meanwhile: k6's and the sampler's (health, and metrics when read). */
function requestCounts(summary: K6Summary, settings: NonNullable<StageContext['config']['stages']['load']>) {
  return { k6: summary.metrics.http_reqs?.values.count ?? 0, samplerPerSample: settings.sample.metricsPath ? 2 : 1 };
}

function figuresWithServer(summary: K6Summary, server: ServerFigures): Figures {
  return { ...figuresOf(summary), ...Object.fromEntries(Object.entries(server).map(([k, v]) => [`server.${k}`, v])) };
}

/**
 * A regression of the run stays failed only where the confirming re-run regressed too; elsewhere it
 * is inconclusive (skipped, with both runs' figures). Without a re-run (k6 wrote no summary) every
 * one is inconclusive.
 */
export function confirmRegressions(first: CheckResult[], again: CheckResult[] | undefined): CheckResult[] {
  return first.map((check) => {
    if (check.status !== 'failed') return check;
    const second = again?.find((c) => c.id === check.id);
    if (second?.status === 'failed') return { ...check, message: `${check.message}\nconfirmed by a second run of the profile: ${second.message?.replace(/^regression: /, '')}`, evidence: { ...check.evidence, confirmedBy: second.evidence } };
    const why = second ? `the confirming re-run measured ${second.message?.replace(/^regression: /, '')}` : 'the confirming re-run could not be measured';
    return { ...check, status: 'skipped', message: `inconclusive: ${check.message?.replace(/^regression: /, '')}\nbut ${why}: not a regression both times, so the machine may have been busy`, evidence: { ...check.evidence, ...(second ? { rerun: second.evidence } : {}) } };
  });
}
