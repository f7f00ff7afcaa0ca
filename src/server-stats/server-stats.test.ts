import { describe, expect, it } from 'vitest';
import { usageOfDockerStats } from './container-stats.ts';
import { parseStat, parseVmRss, processGroupUsage } from './process-stats.ts';
import { figuresOfInfo } from './redis-stats.ts';
import type { ServerObservation, ServerSample } from './server-sampler.ts';
import { memoryGrowth, serverVerdict, steadyLoad, type ServerLimits } from './verdict.ts';

const MB = 1024 * 1024;
const limits: ServerLimits = { statementsPerRequest: 4, statementRepeatsPerRequest: 2, statementMeanMs: 50, memoryGrowthMb: 64, keysWithoutTtlPer1kRequests: 10, warmupFraction: 0.3 };
const redis = (keys: number, expires: number) => ({ usedMemoryBytes: MB, keys, keysWithoutTtl: keys - expires, evictedKeys: 0 });

/** k6 in setup for two samples, then its scenarios; RSS flat at 200 MiB unless `leak` MiB a second. */
function observation(options: { leak?: number; statementsPerSample?: number; noTtlPerSample?: number; k6Requests?: number } = {}): ServerObservation {
  const samples: ServerSample[] = Array.from({ length: 12 }, (_, i) => ({
    t: i * 1000,
    rssBytes: (200 + (options.leak ?? 0) * i) * MB,
    cpuSeconds: i * 0.1,
    statements: 100 + i * (options.statementsPerSample ?? 20),
    connections: 2,
    redis: redis(5 + i * (options.noTtlPerSample ?? 0), 5),
    client: { status: i < 2 ? 6 : 7, requests: i < 2 ? 50 : 50 + (i - 1) * 10, vus: 2 },
  }));
  const end = samples.at(-1) as ServerSample;
  return {
    sources: { process: { kind: 'process', pid: 1 }, postgres: { available: true }, redis: { available: true } },
    samples,
    statements: { calls: end.statements as number, statements: [{ id: '1:1', query: 'select 1', calls: end.statements as number, meanMs: 1, maxMs: 3, totalMs: 10, rows: 1, blocks: 0 }] },
    statementsAtSteadyStart: { calls: 140, statements: [{ id: '1:1', query: 'select 1', calls: 140, meanMs: 1, maxMs: 3, totalMs: 5, rows: 1, blocks: 0 }] },
  };
}

describe('reading /proc', () => {
  it('parses a stat line whose command holds spaces and parentheses', () => {
    const line = '4242 (node (tsx) main) S 1 4200 4200 0 -1 4194560 1 2 3 4 250 50 0 0 20 0 11 0 1 2 3';
    expect(parseStat(line)).toEqual({ pgrp: 4200, cpuTicks: 300 });
  });

  it('reads VmRSS in bytes, 0 for a zombie', () => {
    expect(parseVmRss('Name:\tnode\nVmRSS:\t  123456 kB\n')).toBe(123456 * 1024);
    expect(parseVmRss('Name:\tnode\nState:\tZ (zombie)\n')).toBe(0);
  });

  it('sums the process group of this test process', async () => {
    const usage = await processGroupUsage(Number((await import('node:fs')).readFileSync('/proc/self/stat', 'utf8').slice(0).split(') ')[1]?.split(' ')[2]));
    expect(usage?.rssBytes).toBeGreaterThan(10 * MB);
    expect(usage?.processes).toBeGreaterThanOrEqual(1);
  });

  it('says nothing is left of a group with no process', async () => {
    expect(await processGroupUsage(2 ** 22 + 7)).toBeUndefined();
  });
});

describe('other sources', () => {
  it('reads keys without a TTL from INFO keyspace', () => {
    const info = '# Memory\r\nused_memory:2097152\r\n# Stats\r\nevicted_keys:3\r\n# Keyspace\r\ndb0:keys=10,expires=4,avg_ttl=100\r\ndb2:keys=5,expires=5,avg_ttl=1\r\n';
    expect(figuresOfInfo(info)).toEqual({ usedMemoryBytes: 2 * MB, keys: 15, keysWithoutTtl: 6, evictedKeys: 3 });
  });

  it('reads a container as docker stats does: usage less the inactive page cache', () => {
    expect(usageOfDockerStats({ memory_stats: { usage: 300 * MB, stats: { inactive_file: 100 * MB } }, cpu_stats: { cpu_usage: { total_usage: 2.5e9 } }, pids_stats: { current: 3 } })).toEqual({ rssBytes: 200 * MB, cpuSeconds: 2.5, processes: 3 });
    expect(usageOfDockerStats({})).toBeUndefined();
  });
});

describe('the steady phase', () => {
  it('starts at the first sample where k6 runs its scenarios, else covers the run', () => {
    expect(steadyLoad(observation().samples)).toEqual({ from: 2, byPhase: true });
    expect(steadyLoad([{ t: 0 }, { t: 1000 }])).toEqual({ from: 0, byPhase: false });
  });

  it('fits memory growth through the samples after warm-up, not last minus first', () => {
    const samples = Array.from({ length: 10 }, (_, i) => ({ t: i * 1000, rssBytes: (100 + 5 * i) * MB }));
    samples[9] = { t: 9000, rssBytes: 120 * MB }; // a collection at the end: last minus first would say 5 MiB
    const growth = memoryGrowth(samples, 0.3);
    expect(growth).toMatchObject({ samples: 7, fromS: 3, toS: 9 });
    expect(growth?.growthMb).toBeCloseTo(13.93, 1);
    expect(memoryGrowth(samples.slice(0, 6), 0.3)?.samples).toBe(5);
    expect(memoryGrowth(samples.slice(0, 5), 0.3)).toBeUndefined(); // 4 after warm-up: too few
  });
});

describe('server verdict', () => {
  const ids = (o: ServerObservation, l = limits) => Object.fromEntries(serverVerdict(o, { k6: 150, samplerPerSample: 2 }, l).checks.map((c) => [c.id.replace('load:server:', ''), c.status]));

  it('passes a flat, lean run and counts only the steady phase', () => {
    const v = serverVerdict(observation(), { k6: 150, samplerPerSample: 2 }, limits);
    expect(v.checks.map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    // From sample 2 on: k6 sent 150 - 60 requests, the sampler 10 × 2; the statements grew 20 a sample.
    expect(v.checks.find((c) => c.id === 'load:server:statements-per-request')?.evidence).toMatchObject({ statements: 180, requests: 110 });
    expect(v.figures.statementsPerRequest).toBe(1.64);
  });

  it('fails a leak, an N+1 and keys without a TTL, each on its own check', () => {
    expect(ids(observation({ leak: 20 }))['memory-growth']).toBe('failed');
    expect(ids(observation({ leak: 10 }))['memory-growth']).toBe('passed'); // 60 MiB over the phase: under 64
    expect(ids(observation({ statementsPerSample: 60 }))).toMatchObject({ 'statements-per-request': 'failed', 'statement-repeats': 'failed', 'memory-growth': 'passed' });
    expect(ids(observation({ noTtlPerSample: 1 }))['redis-keys-without-ttl']).toBe('failed');
  });

  it('gates at the limit exactly: equal passes, just over fails', () => {
    const o = observation();
    const perRequest = serverVerdict(o, { k6: 150, samplerPerSample: 2 }, limits).figures.statementsPerRequest as number;
    const at = serverVerdict(o, { k6: 150, samplerPerSample: 2 }, { ...limits, statementsPerRequest: perRequest }).gates.find((g) => g.name === 'load.server.statementsPerRequest');
    const under = serverVerdict(o, { k6: 150, samplerPerSample: 2 }, { ...limits, statementsPerRequest: perRequest - 0.01 }).gates.find((g) => g.name === 'load.server.statementsPerRequest');
    expect([at?.passed, under?.passed]).toEqual([true, false]);
  });

  it('0 turns a limit off: measured and reported, never gated', () => {
    const v = serverVerdict(observation({ leak: 10 }), { k6: 150, samplerPerSample: 2 }, { ...limits, memoryGrowthMb: 0 });
    expect(v.checks.find((c) => c.id === 'load:server:memory-growth')?.status).toBe('passed');
    expect(v.gates.some((g) => g.name === 'load.server.memoryGrowthMb')).toBe(false);
  });

  it('skips with the reason what could not be read, and never passes it', () => {
    const o: ServerObservation = { ...observation(), sources: { process: { kind: 'none', reason: 'the target is an external URL' }, postgres: { available: false, reason: 'pg_stat_statements is not loaded' }, redis: { available: false, reason: 'no answer' } } };
    delete o.statements;
    const v = serverVerdict(o, { k6: 150, samplerPerSample: 2 }, limits);
    expect(v.checks.map((c) => [c.status, c.message])).toEqual([
      ['skipped', 'not measured: the target is an external URL'],
      ['skipped', 'not measured: pg_stat_statements is not loaded'],
      ['skipped', 'not measured: pg_stat_statements is not loaded'],
      ['skipped', 'not measured: no answer'],
    ]);
    expect(v.gates).toEqual([]);
  });

  it('too few samples for a steady phase is inconclusive, not a pass', () => {
    const o = observation();
    o.samples = o.samples.slice(0, 5);
    expect(serverVerdict(o, { k6: 150, samplerPerSample: 2 }, limits).checks[0]).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^inconclusive: /) });
  });
});

describe('the timeline for the reports', () => {
  it('gives p95, requests/s, memory and SQL per request between samples, at most the points asked', async () => {
    const { timelineOf } = await import('./timeline.ts');
    const samples = observation().samples; // 12 samples, 1 s apart; from sample 2 on, 10 requests and 20 statements a second
    const timeline = timelineOf(samples);
    expect(timeline.t).toHaveLength(12);
    expect(timeline.series['requests/s']?.slice(0, 4)).toEqual([null, 0, 10, 10]);
    expect(timeline.series['SQL statements per request']?.slice(2, 4)).toEqual([2, 2]);
    expect(timeline.series['resident memory (MiB)']?.[0]).toBe(200);
    expect(timelineOf(samples, 4).t).toEqual([0, 3, 6, 9, 11]); // every third, and the last
  });
});
