import { existsSync } from 'node:fs';
import net from 'node:net';
import { isAlive as processAlive } from '../../src/reaper/proc.ts';

export { processAlive };


/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Everything a run could leave behind, for one assertion: [] means nothing is left. */
export async function leftovers(state: { pids: number[]; dirs: string[]; ports: number[] }): Promise<string[]> {
  const found: string[] = [];
  for (const pid of state.pids) if (processAlive(pid)) found.push(`process ${pid} alive`);
  for (const dir of state.dirs) if (existsSync(dir)) found.push(`dir ${dir} exists`);
  for (const port of state.ports) if (await portOpen(port)) found.push(`port ${port} listening`);
  return found;
}
