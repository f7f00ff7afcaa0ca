import { describe, expect, it } from 'vitest';
import { shortened } from './console-reporter.ts';

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
