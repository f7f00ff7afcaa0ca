import { describe, expect, it } from 'vitest';
import { readJUnit } from './junit-reader.ts';

describe('readJUnit', () => {
  it('reads vitest-style output: passed, failed with message, skipped', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="3" failures="1" errors="0" time="0.1">
  <testsuite name="suites/unit/a.test.ts" tests="3" failures="1" skipped="1">
    <testcase classname="suites/unit/a.test.ts" name="adds" time="0.002"></testcase>
    <testcase classname="suites/unit/a.test.ts" name="subtracts" time="0.003">
      <failure message="expected 1 to be 2" type="AssertionError">AssertionError: expected 1 to be 2
 ❯ a.test.ts:5:3</failure>
    </testcase>
    <testcase classname="suites/unit/a.test.ts" name="later"><skipped/></testcase>
  </testsuite>
</testsuites>`;
    const checks = readJUnit(xml, 'unit');
    expect(checks.map((c) => [c.title, c.status])).toEqual([
      ['suites/unit/a.test.ts › adds', 'passed'],
      ['suites/unit/a.test.ts › subtracts', 'failed'],
      ['suites/unit/a.test.ts › later', 'skipped'],
    ]);
    expect(checks[1]?.message).toContain('expected 1 to be 2');
    expect(checks[0]?.durationMs).toBe(2);
  });

  it('reads pytest-style output: a bare <testsuite> root and <error>', () => {
    const xml = `<testsuite name="pytest" tests="2"><testcase classname="tests.test_api" name="test_ok"/><testcase classname="tests.test_api" name="test_boom"><error message="RuntimeError: boom">trace</error></testcase></testsuite>`;
    const checks = readJUnit(xml, 'unit');
    expect(checks.map((c) => c.status)).toEqual(['passed', 'failed']);
    expect(checks[1]?.message).toContain('RuntimeError: boom');
    expect(checks[1]?.id).toBe('unit:tests.test_api:test_boom');
  });

  it('reads nested suites', () => {
    const xml = `<testsuites><testsuite name="outer"><testsuite name="inner"><testcase name="deep"/></testsuite></testsuite></testsuites>`;
    expect(readJUnit(xml, 'unit').map((c) => c.title)).toEqual(['inner › deep']);
  });

  it('returns no checks for an empty report', () => {
    expect(readJUnit('<testsuites></testsuites>', 'unit')).toEqual([]);
  });
});
