import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { ConsoleReporter, shortened } from './console-reporter.ts';

describe('the console shows a long failure message by its head and its tail', () => {
  it('keeps a failing tool\'s last lines, where its error is, and counts what it leaves out', () => {
    const message = ['The mutation command `npx stryker run` failed (exit code 1).', 'Its whole output: reports/mutation.log', 'last output:', ...Array.from({ length: 25 }, (_, i) => `progress ${i}`), 'ERROR Stryker could not find stryker.config.mjs'];
    expect(shortened(message)).toEqual([
      'The mutation command `npx stryker run` failed (exit code 1).',
      'Its whole output: reports/mutation.log',
      'last output:',
      '… 22 more lines (the whole message is in the reports) …',
      'progress 22',
      'progress 23',
      'progress 24',
      'ERROR Stryker could not find stryker.config.mjs',
    ]);
    expect(shortened(['a', 'b'])).toEqual(['a', 'b']);
  });
});

describe('the console shows a stage\'s tables', () => {
  it('the volume profile\'s cost per size, one row per line, columns aligned', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    new ConsoleReporter(out).onStageEnd({ name: 'load', status: 'passed', durationMs: 10, metrics: {}, checks: [], tables: [{ title: 'Cost as the data grows', columns: ['', '1,000 rows (1×)', '100,000 rows (100×)'], rows: [['get-conversation p95 (ms)', '12', '31'], ['seeding (rows/s)', '1,110', '37,485']] }] });
    const lines = text.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
    expect(lines.slice(1, 5)).toEqual([
      '  Cost as the data grows',
      '                               1,000 rows (1×)  100,000 rows (100×)',
      '    get-conversation p95 (ms)               12                   31',
      '    seeding (rows/s)                     1,110               37,485',
    ]);
  });
});
