import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dockerAvailable, DOCKER_HINT } from '../environments/docker.ts';
import { debianPostgresDirs, findBinary, POSTGRES_INSTALL_HINT, REDIS_INSTALL_HINT } from '../environments/native/binaries.ts';

const exec = promisify(execFile);

export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** Version or location when present. */
  detail: string;
  /** What needs it, and the exact fix when missing. */
  fix?: string;
  required: 'always' | 'native' | 'docker' | 'optional';
}

export const K6_HINT =
  'Install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/: Debian/Ubuntu via the k6 apt repository, macOS: brew install k6), ' +
  'or set K6_BINARY to its path. Without it the load stage is skipped.';

async function version(binary: string, args = ['--version']): Promise<string> {
  const { stdout, stderr } = await exec(binary, args, { timeout: 10_000 });
  return (stdout || stderr).trim().split('\n')[0] ?? '';
}

async function binaryCheck(name: string, label: string, hint: string, required: DoctorCheck['required'], extra: string[] = []): Promise<DoctorCheck> {
  const found = findBinary(name, { extra });
  if (!found) return { name: label, ok: false, detail: 'not found', fix: hint, required };
  const v = await version(found).catch((e: Error) => `present at ${found} but --version failed: ${e.message}`);
  return { name: label, ok: true, detail: `${v} (${found})`, required };
}

export async function runDoctorChecks(): Promise<DoctorCheck[]> {
  const nodeMajorMinor = process.versions.node.split('.').map(Number);
  const nodeOk = (nodeMajorMinor[0] ?? 0) > 20 || ((nodeMajorMinor[0] ?? 0) === 20 && (nodeMajorMinor[1] ?? 0) >= 19);
  const k6 = process.env.K6_BINARY ?? findBinary('k6');
  const [docker, compose, postgres, initdb, redis, k6Check] = await Promise.all([
    dockerAvailable(5_000),
    version('docker', ['compose', 'version']).catch(() => undefined),
    binaryCheck('postgres', 'postgres (server)', POSTGRES_INSTALL_HINT, 'native', debianPostgresDirs()),
    binaryCheck('initdb', 'initdb', POSTGRES_INSTALL_HINT, 'native', debianPostgresDirs()),
    binaryCheck('redis-server', 'redis-server', REDIS_INSTALL_HINT, 'native'),
    k6
      ? version(k6, ['version']).then(
          (v): DoctorCheck => ({ name: 'k6', ok: true, detail: `${v} (${k6})`, required: 'optional' }),
          (e: Error): DoctorCheck => ({ name: 'k6', ok: false, detail: `${k6} does not run: ${e.message}`, fix: K6_HINT, required: 'optional' }),
        )
      : Promise.resolve<DoctorCheck>({ name: 'k6', ok: false, detail: 'not found (PATH, K6_BINARY)', fix: K6_HINT, required: 'optional' }),
  ]);
  return [
    { name: 'Node.js', ok: nodeOk, detail: process.version, required: 'always', ...(nodeOk ? {} : { fix: 'Install Node.js 20.19 or newer (https://nodejs.org, or nvm install 22).' }) },
    { name: 'Docker engine', ok: docker, detail: docker ? 'answers' : 'no engine answers', required: 'docker', ...(docker ? {} : { fix: DOCKER_HINT }) },
    {
      name: 'docker compose v2',
      ok: compose !== undefined,
      detail: compose ?? 'not found',
      required: 'docker',
      ...(compose ? {} : { fix: 'Install the Docker Compose v2 plugin (Debian: apt-get install docker-compose-plugin or docker-compose).' }),
    },
    postgres,
    initdb,
    redis,
    k6Check,
  ];
}

/** Which environments can run with what this machine has. */
export function usableEnvironments(checks: DoctorCheck[]): string[] {
  const ok = (name: string) => checks.find((c) => c.name === name)?.ok === true;
  const envs: string[] = [];
  if (ok('postgres (server)') && ok('initdb') && ok('redis-server')) envs.push('native');
  if (ok('Docker engine')) envs.push('testcontainers');
  if (ok('Docker engine') && ok('docker compose v2')) envs.push('compose');
  envs.push('external');
  return envs;
}
