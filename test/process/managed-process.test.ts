import { describe, expect, it } from 'vitest';
import { GauntletError } from '../../src/errors/gauntlet-error.ts';
import { ManagedProcess } from '../../src/process/managed-process.ts';
import { waitFor } from '../../src/wait/wait-for.ts';
import { processAlive } from '../helpers/leftovers.ts';

const node = (code: string) => [process.execPath, '-e', code];

describe('ManagedProcess', () => {
  it('stops gracefully with SIGTERM when the process obeys', async () => {
    const p = new ManagedProcess({ name: 'polite', command: node("process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);") });
    await waitFor({ what: 'polite', check: async () => p.logs.last().includes('up'), timeoutMs: 5_000 });
    const exit = await p.stop('SIGTERM', 5_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(p.logs.last()).toContain('bye');
  });

  it('kills with SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const p = new ManagedProcess({ name: 'stubborn', command: node("process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000);") });
    await waitFor({ what: 'stubborn', check: async () => p.logs.last().includes('up'), timeoutMs: 5_000 });
    const started = performance.now();
    const exit = await p.stop('SIGTERM', 300);
    expect(exit.signal).toBe('SIGKILL');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(p.logs.last()).toContain('ignored');
  });

  it('stops the whole process group (a server started through sh -c)', async () => {
    const p = new ManagedProcess({ name: 'wrapped', command: `${process.execPath} -e "console.log(process.pid); setInterval(() => {}, 1000)"` });
    await waitFor({ what: 'wrapped', check: async () => /^\d+$/.test(p.logs.last()[0] ?? ''), timeoutMs: 5_000 });
    const grandchild = Number(p.logs.last()[0]);
    expect(processAlive(grandchild)).toBe(true);
    await p.stop();
    await waitFor({ what: 'grandchild exit', check: async () => !processAlive(grandchild), timeoutMs: 5_000 });
  });
});

describe('waitFor', () => {
  it('times out with the elapsed time, the last failure and the last log lines', async () => {
    const p = new ManagedProcess({ name: 'slowpoke', command: node("for (let i = 1; i <= 60; i++) console.log('line ' + i); setInterval(() => {}, 1000);") });
    try {
      await waitFor({ what: 'slowpoke', check: async () => p.logs.last().length >= 50, timeoutMs: 5_000 });
      const error = await waitFor({ what: 'slowpoke health', check: async () => Promise.reject(new Error('connection refused')), timeoutMs: 200, intervalMs: 20, process: p }).catch((e: GauntletError) => e);
      expect(error).toBeInstanceOf(GauntletError);
      expect(error).toMatchObject({ code: 'GAUNTLET_WAIT_TIMEOUT', message: expect.stringMatching(/^slowpoke health was not ready after 0\.\d s \(timeout 200 ms\); last check: connection refused\.$/) });
      const detail = (error as GauntletError).detail;
      expect(detail[0]).toBe('last 50 log lines of slowpoke:');
      expect(detail.slice(1)).toHaveLength(50);
      expect(detail.at(-1)).toBe('| line 60');
      expect(detail[1]).toBe('| line 11');
    } finally {
      await p.stop();
    }
  });

  it('ends early, with the exit code, when the process dies', async () => {
    const p = new ManagedProcess({ name: 'crasher', command: node("console.error('missing DATABASE_URL'); process.exit(4);") });
    const error = await waitFor({ what: 'crasher health', check: async () => false, timeoutMs: 10_000, process: p }).catch((e: GauntletError) => e);
    expect(error).toMatchObject({ code: 'GAUNTLET_TARGET_EXITED', message: expect.stringContaining('exited (exit code 4)') });
    expect((error as GauntletError).detail).toContain('| missing DATABASE_URL');
  });
});
