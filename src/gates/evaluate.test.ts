import { describe, expect, it } from 'vitest';
import type { StageResult } from '../results/types.ts';
import { evaluateGates } from './evaluate.ts';

const stage = (name: string, status: StageResult['status'], failed = 0, passed = 1): StageResult => ({
  name,
  status,
  durationMs: 1,
  metrics: {},
  checks: [
    ...Array.from({ length: passed }, (_, i) => ({ id: `${name}:p${i}`, stage: name, title: 'ok', status: 'passed' as const })),
    ...Array.from({ length: failed }, (_, i) => ({ id: `${name}:f${i}`, stage: name, title: 'bad', status: 'failed' as const })),
  ],
});

describe('evaluateGates', () => {
  it('passes when every stage that ran has no failed check', () => {
    const gates = evaluateGates([stage('unit', 'passed'), stage('contract', 'not-available', 0, 0)], { required: [] });
    expect(gates.every((g) => g.passed)).toBe(true);
    expect(gates.map((g) => g.name)).toEqual(['stages.ran', 'unit.failedChecks']);
  });

  it('fails on one failed check', () => {
    const gates = evaluateGates([stage('unit', 'failed', 1)], { required: [] });
    expect(gates.find((g) => g.name === 'unit.failedChecks')).toMatchObject({ actual: 1, passed: false });
  });

  it('fails a run in which no stage ran: nothing checked is not a pass', () => {
    const gates = evaluateGates([stage('unit', 'skipped', 0, 0), stage('load', 'not-available', 0, 0)], { required: [] });
    expect(gates[0]).toMatchObject({ name: 'stages.ran', actual: 0, passed: false });
  });

  it('fails a required stage that was skipped or is not available, with the reason', () => {
    const skipped = { ...stage('load', 'skipped', 0, 0), reason: 'k6 not found' };
    const gates = evaluateGates([stage('unit', 'passed'), skipped], { required: ['load', 'contract'] });
    expect(gates.find((g) => g.name === 'load.required')).toMatchObject({ passed: false, message: 'required stage load did not run: k6 not found' });
    expect(gates.find((g) => g.name === 'contract.required')).toMatchObject({ passed: false, message: 'required stage contract did not run: not selected' });
  });

  it('passes a required stage that ran', () => {
    const gates = evaluateGates([stage('unit', 'passed')], { required: ['unit'] });
    expect(gates.find((g) => g.name === 'unit.required')?.passed).toBe(true);
  });
});

describe('gates.flaky', () => {
  const withFlaky = (): StageResult => {
    const s = stage('contract', 'failed', 0);
    s.checks.push({ id: 'contract:GET /a:valid', stage: 'contract', title: 'a', status: 'failed', replay: { outcome: 'flaky', answers: [500, 200, 200], note: 'flaky' } });
    s.checks.push({ id: 'contract:GET /b:valid', stage: 'contract', title: 'b', status: 'failed', replay: { outcome: 'inconclusive', answers: [500, 404], note: 'x' } });
    return s;
  };
  it("'report' (the default) counts a failure that did not come back apart; one that could not be told still fails", () => {
    const gates = evaluateGates([withFlaky()], { required: [] });
    expect(gates.find((g) => g.name === 'contract.flaky')).toMatchObject({ actual: 1, passed: true });
    expect(gates.find((g) => g.name === 'contract.failedChecks')).toMatchObject({ actual: 1, passed: false });
  });
  it("'fail' fails the gate on it too", () => {
    const gates = evaluateGates([withFlaky()], { required: [], flaky: 'fail' });
    expect(gates.some((g) => g.name === 'contract.flaky')).toBe(false);
    expect(gates.find((g) => g.name === 'contract.failedChecks')).toMatchObject({ actual: 2, passed: false });
  });
});
