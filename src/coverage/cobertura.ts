import { XMLParser } from 'fast-xml-parser';
import type { FileCoverage } from './types.ts';

interface RawLine {
  '@_number'?: string;
  '@_hits'?: string;
  '@_branch'?: string;
  '@_condition-coverage'?: string;
}
interface RawClass {
  '@_filename'?: string;
  methods?: { method?: { lines?: { line?: RawLine[] } }[] };
  lines?: { line?: RawLine[] };
}

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['package', 'class', 'method', 'line'].includes(name) });

/**
 * Cobertura XML (coverage.py's `coverage xml`, pytest-cov, gocover-cobertura, JaCoCo converters …):
 * lines and branches per file from the <line> elements (branches from condition-coverage "50% (1/2)"),
 * functions from <method> elements with a covered line.
 */
export function readCobertura(xml: string): FileCoverage[] {
  const doc = parser.parse(xml) as { coverage?: { packages?: { package?: { classes?: { class?: RawClass[] } }[] } } };
  if (!doc.coverage) throw new Error('not a Cobertura report: no <coverage> root element');
  const byFile = new Map<string, FileCoverage>();
  for (const pkg of doc.coverage.packages?.package ?? []) {
    for (const cls of pkg.classes?.class ?? []) {
      const file = cls['@_filename'] ?? '(unknown)';
      const entry = byFile.get(file) ?? { file, lines: { covered: 0, total: 0 }, branches: { covered: 0, total: 0 }, functions: { covered: 0, total: 0 } };
      for (const line of cls.lines?.line ?? []) {
        entry.lines.total += 1;
        if (Number(line['@_hits'] ?? 0) > 0) entry.lines.covered += 1;
        const condition = /\((\d+)\/(\d+)\)/.exec(line['@_condition-coverage'] ?? '');
        if (line['@_branch'] === 'true' && condition) {
          entry.branches.covered += Number(condition[1]);
          entry.branches.total += Number(condition[2]);
        }
      }
      for (const method of cls.methods?.method ?? []) {
        entry.functions.total += 1;
        if ((method.lines?.line ?? []).some((l) => Number(l['@_hits'] ?? 0) > 0)) entry.functions.covered += 1;
      }
      byFile.set(file, entry);
    }
  }
  return [...byFile.values()];
}
