import { getContainerRuntimeClient } from 'testcontainers';
import type { ProcessUsage } from './process-stats.ts';

/** The part of the Docker engine's stats answer read here (GET /containers/{id}/stats?stream=false). */
interface DockerStats {
  memory_stats?: { usage?: number; stats?: { inactive_file?: number; total_inactive_file?: number } };
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  pids_stats?: { current?: number };
}

/**
 * Memory and CPU of a container target, from the engine's stats (what `docker stats` shows): memory
 * is the usage less the inactive page cache, as the Docker CLI computes it.
 */
export function usageOfDockerStats(stats: DockerStats): ProcessUsage | undefined {
  const usage = stats.memory_stats?.usage;
  const cpu = stats.cpu_stats?.cpu_usage?.total_usage;
  if (usage === undefined || cpu === undefined) return undefined;
  const cache = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
  return { rssBytes: Math.max(0, usage - cache), cpuSeconds: cpu / 1e9, processes: stats.pids_stats?.current ?? 1 };
}

export async function containerUsage(id: string): Promise<ProcessUsage | undefined> {
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(id);
  // one-shot: one reading now, instead of the engine waiting a second for a second one (Docker API 1.41+).
  const stats = (await container.stats({ stream: false, 'one-shot': true } as { stream: false })) as DockerStats;
  return usageOfDockerStats(stats);
}
