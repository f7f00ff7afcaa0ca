import { XMLParser } from 'fast-xml-parser';
import type { CheckResult } from './types.ts';

interface RawCase {
  '@_name'?: string;
  '@_classname'?: string;
  '@_time'?: string;
  failure?: unknown;
  error?: unknown;
  skipped?: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error'].includes(name),
  textNodeName: '#text',
});

/** Reads JUnit XML (vitest, pytest, go-junit-report, Surefire) into checks: one per testcase. */
export function readJUnit(xml: string, stage: string): CheckResult[] {
  const doc = parser.parse(xml) as { testsuites?: { testsuite?: unknown[] }; testsuite?: unknown[] };
  const suites = (doc.testsuites?.testsuite ?? doc.testsuite ?? []) as { '@_name'?: string; testcase?: RawCase[]; testsuite?: unknown[] }[];
  const cases: { suite: string; c: RawCase }[] = [];
  const walk = (list: typeof suites) => {
    for (const suite of list) {
      for (const c of suite.testcase ?? []) cases.push({ suite: suite['@_name'] ?? '', c });
      if (suite.testsuite) walk(suite.testsuite as typeof suites);
    }
  };
  walk(suites);
  return cases.map(({ suite, c }) => {
    const problem = [...asArray(c.failure), ...asArray(c.error)][0];
    const title = c['@_name'] ?? '(unnamed)';
    const group = c['@_classname'] ?? suite;
    return {
      id: `${stage}:${group}:${title}`,
      stage,
      title: group ? `${group} › ${title}` : title,
      status: problem !== undefined ? 'failed' : c.skipped !== undefined ? 'skipped' : 'passed',
      ...(problem !== undefined ? { message: messageOf(problem) } : {}),
      ...(c['@_time'] ? { durationMs: Math.round(Number(c['@_time']) * 1000) } : {}),
    };
  });
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function messageOf(problem: unknown): string {
  if (typeof problem === 'string') return problem.trim().split('\n').slice(0, 20).join('\n');
  const p = problem as { '@_message'?: string; '#text'?: string };
  return [p['@_message'], p['#text']?.trim().split('\n').slice(0, 20).join('\n')].filter(Boolean).join('\n') || 'failed';
}
