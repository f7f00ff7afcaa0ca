import { stripVTControlCharacters } from 'node:util';
import { isGauntletError } from '../errors/gauntlet-error.ts';
import { causeChain } from '../http/network-error.ts';
import { interruptedBy } from '../process/cleanup.ts';
import type { CheckResult, RunError } from '../results/types.ts';

/** An error that stopped (part of) a run, as data the reports can show: code, message, fix, causes (terminal codes stripped). */
export function runErrorOf(error: unknown, stage?: string): RunError {
  const found = describeError(error, stage);
  return { ...found, message: stripVTControlCharacters(found.message), detail: found.detail.map((l) => stripVTControlCharacters(l)) };
}

function describeError(error: unknown, stage?: string): RunError {
  const signal = interruptedBy();
  if (signal) {
    // Whatever failed after the signal failed because the run was tearing its stack down.
    const what = error instanceof Error ? error.message : String(error);
    return { code: 'GAUNTLET_INTERRUPTED', message: `${signal} stopped the run (what was under way then: ${what.split('\n')[0]})`, fix: 'Nothing to fix: run again to get results.', detail: [], ...(stage ? { stage } : {}) };
  }
  const chain = causeChain(error).slice(1);
  const causes = chain.map((e) => `caused by: ${e.message}${(e as { code?: string }).code ? ` (${(e as { code?: string }).code})` : ''}`);
  if (isGauntletError(error)) {
    return { code: error.code, message: error.message, ...(error.fix ? { fix: error.fix } : {}), detail: [...error.detail, ...causes], ...(stage ? { stage } : {}) };
  }
  const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 9).map((l) => l.trim()) : [];
  return {
    code: 'GAUNTLET_INTERNAL',
    message: error instanceof Error ? error.message : String(error),
    fix: 'A bug in Gauntlet, or in a library it uses: run again with DEBUG=gauntlet:* and include the output and this report in a bug report.',
    detail: [...causes, ...stack],
    ...(stage ? { stage } : {}),
  };
}

/** The failed check that carries a run error into every report. */
export function runErrorCheck(error: RunError): CheckResult {
  const where = error.stage ? `the ${error.stage} stage` : 'the run';
  return {
    id: error.stage ? `${error.stage}:error` : 'gauntlet:error',
    stage: error.stage ?? 'gauntlet',
    title: error.code === 'GAUNTLET_INTERRUPTED' ? `${where} was interrupted` : `${where} could not finish`,
    status: 'failed',
    message: [`${error.code}: ${error.message}`, ...error.detail, ...(error.fix ? [`Fix: ${error.fix}`] : [])].join('\n'),
    evidence: { ...error },
  };
}

/** The run error as the CLI prints it on stderr (the same shape as formatError). */
export function formatRunError(error: RunError): string {
  if (error.code === 'GAUNTLET_INTERNAL') {
    return ['GAUNTLET_INTERNAL: an unexpected error (a bug in Gauntlet, or in a library it uses).', `${error.stage ? `in the ${error.stage} stage: ` : ''}${error.message}`, ...error.detail.map((l) => `  ${l}`), 'More detail: run again with DEBUG=gauntlet:* and include the output in a bug report.'].join('\n');
  }
  return [`${error.code}: ${error.message}`, ...error.detail.map((l) => `  ${l}`), ...(error.fix ? [`Fix: ${error.fix}`] : [])].join('\n');
}
