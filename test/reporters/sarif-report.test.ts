import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv-draft-04';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../src/reporters/sarif-reporter.ts';
import type { CheckResult } from '../../src/results/types.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * reports/gauntlet.sarif for GitHub code scanning (issue #27, item 7): valid against the SARIF 2.1.0
 * schema (test/fixtures/sarif), one rule per check kind, each result at its operation's line in the
 * OpenAPI document (the file, or the served document written beside the reports).
 */
// ajv-draft-04 is CommonJS: its class is the default export's `default` under NodeNext typing.
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const REACH = fileURLToPath(new URL('../fixtures/reach', import.meta.url));
const SCHEMA = JSON.parse(await readFile(fileURLToPath(new URL('../fixtures/sarif/sarif-2.1.0-rtm.5.json', import.meta.url)), 'utf8')) as object;

async function sarif(env: Record<string, string>) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-sarif-'));
  const r = await runCli(['run', '--stages', 'contract', '--no-coverage', '--reports', reports], { cwd: REACH, env, timeoutMs: 120_000 });
  return { ...r, reports, log: JSON.parse(await readFile(path.join(reports, 'gauntlet.sarif'), 'utf8')) as Log };
}

const lineOf = (text: string, pattern: RegExp) => text.split('\n').findIndex((l) => pattern.test(l)) + 1;

describe('the SARIF report', () => {
  it('is valid SARIF 2.1.0: a rule per kind, each finding at its operation in the document the target served', async () => {
    const { log, reports, code } = await sarif({ REACH_FLAWS: 'shop-name-cut,profile-500' });
    expect(code).toBe(1);
    // unicodeRegExp off: the schema's pattern for language tags is no valid unicode RegExp.
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(SCHEMA);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = log.runs[0];
    const rules = run?.tool.driver.rules?.map((r) => r.id) ?? [];
    expect(rules).toEqual(expect.arrayContaining(['contract/listed', 'contract/read-your-writes', 'contract/valid']));
    expect(new Set(rules).size).toBe(rules.length);
    expect(new Set(run?.results?.map((r) => r.ruleId))).toEqual(new Set(rules));
    const byCheck = new Map(run?.results?.map((r) => [r.properties?.checkId, r]));
    // The served document is written beside the reports, and each result points at its method's line.
    const served = await readFile(path.join(reports, 'openapi.json'), 'utf8');
    const all = served.split('\n');
    const route = all.findIndex((l) => l.includes('"/profile/": {'));
    const patchLine = route + all.slice(route).findIndex((l) => /^\s*"patch": \{/.test(l)) + 1;
    expect(route).toBeGreaterThan(0);
    const profile = byCheck.get('contract:PATCH /profile/:valid');
    expect(profile).toMatchObject({ ruleId: 'contract/valid', level: 'error', message: { text: expect.stringMatching(/answered 500: a server error\nreproduce: curl -i -X PATCH/) } });
    expect(profile?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toMatch(/openapi\.json$/);
    expect(profile?.locations?.[0]?.physicalLocation?.region?.startLine).toBe(patchLine);
    expect(profile?.partialFingerprints?.['gauntlet/v1']).toMatch(/^[0-9a-f]{16}$/);
    expect(lineOf(served, /"\/shops\/": \{/)).toBeLessThan(byCheck.get('contract:POST /shops/:read-your-writes')?.locations?.[0]?.physicalLocation?.region?.startLine ?? 0);
  }, 150_000);

  it('locates findings in the document file itself, when the config names one', async () => {
    const { log } = await sarif({ REACH_FLAWS: 'profile-500', REACH_INVALID_DOC: '1' });
    const file = await readFile(path.join(REACH, 'openapi-invalid.json'), 'utf8');
    const result = log.runs[0]?.results?.find((r) => r.properties?.checkId === 'contract:PATCH /profile/:valid');
    const location = result?.locations?.[0]?.physicalLocation;
    expect(location?.artifactLocation?.uri).toBe('openapi-invalid.json');
    expect(file.split('\n')[(location?.region?.startLine ?? 0) - 1]).toMatch(/"patch"/);
  }, 150_000);

  it('names one rule per kind: the operation, the field and the distinct-failure number left out', () => {
    const kind = (id: string) => kindOf({ id, stage: id.split(':')[0] } as CheckResult);
    expect(kind('contract:GET /products/:filter:min_price')).toBe('contract/filter');
    expect(kind('contract:POST /shops/:boundaries:3')).toBe('contract/boundaries');
    expect(kind('contract:POST /shops/:missing required field name')).toBe('contract/missing-required-field');
    expect(kind('security:authz:object:GET /pilots/{id}')).toBe('security/authz:object');
    expect(kind('security:injection:POST /auth/sign-in:body.username')).toBe('security/injection');
    expect(kind('security:auth:unique-identity')).toBe('security/auth:unique-identity');
    expect(kind('contract:persistence')).toBe('contract/persistence');
  });
});
