import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { isMap, isPair, isScalar, parseDocument, type Node } from 'yaml';
import { fingerprintOf } from '../baseline/fingerprint.ts';
import { loadedDocument } from '../openapi/document.ts';
import { operationIn } from '../results/grouping.ts';
import type { CheckResult, RunResult } from '../results/types.ts';
import type { Reporter } from './types.ts';

/**
 * reports/gauntlet.sarif: the failed checks as SARIF 2.1.0 for GitHub code scanning (issue #27,
 * item 7). One rule per check kind (`contract/read-your-writes`, `security/authz:object` …), one
 * result per failed check, located at its operation in the OpenAPI document (the file of
 * `target.openapi.file`, or the document the target served, written beside as openapi.json): the
 * line of `paths./x.get`, found with the yaml library's source ranges (JSON is YAML). A bug is an
 * `error`, a deviation a `warning`; a finding the baseline knows carries a suppression with its
 * reason, and every result a `partialFingerprints` entry that is the baseline's fingerprint.
 */
export class SarifReporter implements Reporter {
  constructor(
    private readonly dir: string,
    /** Result paths are relative to this directory (the repository root when Gauntlet runs there). */
    private readonly root = process.cwd(),
  ) {}

  async onRunEnd(result: RunResult): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const document = await this.document();
    await writeFile(path.join(this.dir, 'gauntlet.sarif'), `${JSON.stringify(sarifOf(result, document), null, 2)}\n`);
  }

  /** The document's path (relative to the root) and its text, writing the served one beside the reports. */
  private async document(): Promise<{ uri: string; text: string } | undefined> {
    const loaded = loadedDocument();
    if (!loaded) return undefined;
    if ('file' in loaded) return { uri: toUri(path.relative(this.root, loaded.file)), text: await readFile(loaded.file, 'utf8').catch(() => '') };
    const file = path.join(this.dir, 'openapi.json');
    const text = `${JSON.stringify(loaded.raw, null, 2)}\n`;
    await writeFile(file, text);
    return { uri: toUri(path.relative(this.root, file)), text };
  }
}

const toUri = (relative: string) => relative.split(path.sep).join('/');

/** The SARIF log of a run: its failed checks, each located at its operation in `document`. */
export function sarifOf(result: RunResult, document: { uri: string; text: string } | undefined): Log {
  const lines = document ? operationLines(document.text) : new Map<string, number>();
  const rules = new Map<string, ReportingDescriptor>();
  const results: Result[] = [];
  for (const check of result.stages.flatMap((s) => s.checks).filter((c) => c.status === 'failed')) {
    const kind = kindOf(check);
    if (!rules.has(kind)) rules.set(kind, { id: kind, name: kind.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()), shortDescription: { text: `Gauntlet ${kind.replace('/', ' check ')}` }, fullDescription: { text: check.title }, helpUri: 'https://github.com/gauntlet/gauntlet#readme', properties: { tags: [check.stage, check.severity ?? 'bug'] } });
    const operation = operationIn(check.id)?.[0];
    const line = (operation ? lines.get(operation.toLowerCase()) : undefined) ?? 1;
    const message = (check.message ?? check.title).split('\n');
    results.push({
      ruleId: kind,
      ruleIndex: [...rules.keys()].indexOf(kind),
      level: check.replay?.outcome === 'flaky' ? 'note' : check.severity === 'deviation' ? 'warning' : 'error',
      message: { text: [`${check.title}: ${message[0]}`, ...message.slice(1).filter((l) => /^(reproduce|then|first|response):/.test(l))].join('\n') },
      ...(document ? { locations: [{ physicalLocation: { artifactLocation: { uri: document.uri }, region: { startLine: line } }, ...(operation ? { logicalLocations: [{ name: operation, kind: 'function' }] } : {}) }] } : {}),
      partialFingerprints: { 'gauntlet/v1': check.fingerprint ?? fingerprintOf(check) },
      ...(result.baseline ? { baselineState: check.known ? 'unchanged' : 'new' } : {}),
      ...(check.known ? { suppressions: [{ kind: 'external', status: 'accepted', justification: check.known.reason }] } : {}),
      properties: { checkId: check.id, stage: check.stage, ...(check.replay ? { replay: check.replay.outcome } : {}) },
    });
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Gauntlet', informationUri: 'https://github.com/gauntlet/gauntlet', rules: [...rules.values()] } },
        ...(document ? { artifacts: [{ location: { uri: document.uri } }] } : {}),
        invocations: [{ executionSuccessful: result.exitCode !== 2, ...(result.error ? { toolExecutionNotifications: [{ level: 'error', message: { text: `${result.error.code}: ${result.error.message}` } }] } : {}) }],
        results,
      },
    ],
  };
}

/** The kind of a check: its id without the operation, the field or parameter, and a distinct-failure number. */
export function kindOf(check: CheckResult): string {
  const operation = operationIn(check.id);
  const before = (operation ? check.id.slice(0, operation.index) : check.id).replace(/:$/, '');
  const after = operation ? check.id.slice(operation.index + operation[0].length).replace(/^:/, '') : '';
  const word = after.split(':')[0] ?? '';
  const named = /^(missing required field|wrong type for|out-of-range|unknown field|malformed path parameter|malformed JSON|wrong content type)\b/.exec(word)?.[1] ?? (/^[a-z][a-z-]*$/.test(word) ? word : '');
  const [stage, ...rest] = [...before.split(':'), ...(named ? [named.toLowerCase().replace(/\s+/g, '-')] : [])].filter((p) => p !== '' && !/^\d+$/.test(p));
  return `${stage}/${rest.join(':') || 'check'}`;
}

/** Line of each `METHOD /path` in the document ("get /shops/{id}/" → 57), from the yaml library's source ranges. */
function operationLines(text: string): Map<string, number> {
  const found = new Map<string, number>();
  if (!text) return found;
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const paths = parseDocument(text, { keepSourceTokens: false }).get('paths', true) as Node | undefined;
  if (!isMap(paths)) return found;
  for (const item of paths.items) {
    if (!isPair(item) || !isScalar(item.key) || !isMap(item.value)) continue;
    const route = String(item.key.value);
    for (const method of item.value.items) {
      if (!isPair(method) || !isScalar(method.key) || !method.key.range) continue;
      found.set(`${String(method.key.value)} ${route}`.toLowerCase(), lineOf(method.key.range[0]));
    }
  }
  return found;
}
