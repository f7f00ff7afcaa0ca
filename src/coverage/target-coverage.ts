import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load.ts';
import type { EnvironmentKind } from '../config/schema.ts';
import { runCommand } from '../process/managed-process.ts';
import type { CheckResult, StageResult } from '../results/types.ts';
import { coverageMetrics, coverageResult, readCoverageReport, type CoverageReading } from './read-report.ts';
import { summarise } from './types.ts';
import { convertV8Coverage } from './v8.ts';

/** The result's name in results.json and the reports: it sits after the stages it measured. */
export const TARGET_COVERAGE = 'coverage';

export interface TargetCoverage {
  /** Env vars for the target process (NODE_V8_COVERAGE for 'v8'). */
  env: Record<string, string>;
  /** After the target stopped: the figures, as a result whose metrics gates.coverage reads. */
  collect(): Promise<StageResult>;
}

/** Whether this run starts the target as a process of its own (not a container, compose service or external URL). */
function startsTargetProcess(config: ResolvedConfig, kind: Exclude<EnvironmentKind, 'auto'>): boolean {
  if (!('command' in config.target.start)) return false;
  if (kind === 'compose' && config.environment.compose.targetService !== undefined) return false;
  return !(kind === 'external' && config.environment.external.targetUrl);
}

/**
 * Coverage of the target while every stage ran against it (target.coverage). Prepared before the
 * target starts (stale data removed, so an old report never passes for a fresh one), collected after
 * it stopped: V8 writes its data, and coverage tools their files, when the process exits.
 */
export async function prepareTargetCoverage(config: ResolvedConfig, kind: Exclude<EnvironmentKind, 'auto'>): Promise<TargetCoverage | undefined> {
  const spec = config.target.coverage;
  if (!spec) return undefined;
  if (!startsTargetProcess(config, kind)) {
    const reason = 'target.coverage measures a target Gauntlet starts as a process; in this run it is a container, a compose service or an external URL';
    return { env: {}, collect: async () => ({ name: TARGET_COVERAGE, status: 'skipped', reason, durationMs: 0, checks: [], metrics: {} }) };
  }
  const { cwd: root } = config.target.start as { cwd: string }; // a process target (startsTargetProcess)
  const outputDir = path.join(config.reportsDir, 'coverage');
  const dataDir = path.join(config.reportsDir, '.v8-coverage');
  await rm(outputDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
  const reportFile = spec.kind === 'file' ? path.resolve(root, spec.file) : undefined;
  if (reportFile) await rm(reportFile, { force: true });
  if (spec.kind === 'v8') await mkdir(dataDir, { recursive: true });

  return {
    env: spec.kind === 'v8' ? { NODE_V8_COVERAGE: dataDir } : {},
    async collect() {
      const started = performance.now();
      const done = (reading: CoverageReading): StageResult => ({
        name: TARGET_COVERAGE,
        status: reading.result.status === 'failed' ? 'failed' : 'passed',
        durationMs: Math.round(performance.now() - started),
        checks: [reading.result],
        metrics: reading.summary ? coverageMetrics(reading.summary) : {},
      });
      if (spec.kind === 'file') {
        if (spec.report) {
          const report = spec.report;
          try {
            await runCommand({ name: 'coverage-report', what: 'The coverage report command (target.coverage.report)', command: report.command, cwd: report.cwd, timeoutMs: report.timeoutMs, env: { ...process.env, ...report.env } });
          } catch (error) {
            return done({ result: failed('coverage:report', 'the coverage report command (target.coverage.report) exits 0', (error as Error).message) });
          }
        }
        return done(await readCoverageReport({ id: 'coverage:target', stage: TARGET_COVERAGE, file: reportFile as string, format: spec.format, exclude: spec.exclude, fix: "target.start must run the target under its coverage tool and target.coverage.report must write this file after it stops (e.g. coverage.py: start ['coverage', 'run', '-m', 'uvicorn', ...], report ['coverage', 'xml', '-o', 'coverage.xml'])" }));
      }
      const written = await readdir(dataDir).catch(() => [] as string[]);
      if (!written.some((f) => f.endsWith('.json'))) {
        return done({
          result: failed('coverage:target', 'the target wrote its V8 coverage when it exited', `${dataDir} is empty. Node writes NODE_V8_COVERAGE data when the process exits: the target must exit on SIGTERM (e.g. close the server, then process.exit(0)) within target.stopTimeoutMs (${config.target.stopTimeoutMs} ms), not be killed.`),
        });
      }
      try {
        const files = await convertV8Coverage({ dataDir, root, include: spec.include, exclude: spec.exclude, outputDir });
        const summary = summarise(files);
        if (summary.files.length === 0) {
          return done({ result: failed('coverage:target', 'target.coverage.include matches the target\'s source files', `no file under ${root} matches ${spec.include.join(', ')}${spec.exclude.length ? ` (less ${spec.exclude.join(', ')})` : ''}: the globs are relative to target.start.cwd.`) });
        }
        const reading = coverageResult('coverage:target', TARGET_COVERAGE, 'V8, out of process', summary);
        (reading.result.evidence as Record<string, unknown>).report = path.join(outputDir, 'lcov-report', 'index.html');
        return done(reading);
      } catch (error) {
        return done({ result: failed('coverage:target', 'the target\'s V8 coverage converts to figures', (error as Error).message) });
      }
    },
  };
}

function failed(id: string, title: string, message: string): CheckResult {
  return { id, stage: TARGET_COVERAGE, title, status: 'failed', message };
}
