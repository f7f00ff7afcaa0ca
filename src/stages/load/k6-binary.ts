import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const K6_INSTALL_HINT =
  'Install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/): `brew install k6`, `sudo apt-get install k6` after adding the k6 apt repository, `winget install k6`, or the grafana/setup-k6-action in GitHub Actions; or point K6_BINARY at a k6 binary.';

export interface K6 {
  path: string;
  version: string;
}

/** k6 from K6_BINARY, else from PATH; undefined when there is none. */
export async function findK6(env: NodeJS.ProcessEnv = process.env): Promise<K6 | undefined> {
  const candidates = env.K6_BINARY ? [env.K6_BINARY] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'k6'));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const { stdout } = await run(candidate, ['version'], { timeout: 10_000 }).catch(() => ({ stdout: '' }));
    return { path: candidate, version: stdout.trim().split('\n')[0] ?? 'unknown' };
  }
  return undefined;
}
