import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolvePaths } from '../config/load.ts';
import { validateConfig } from '../config/validate.ts';
import { resolveEnvironmentKind } from '../environments/resolve.ts';
import { loadDocument, type LoadedDocument } from '../openapi/document.ts';
import { startStack } from '../provision/stack.ts';

export interface StartSpec {
  kind: 'auto' | 'native' | 'testcontainers';
  start: string;
  cwd: string;
  migrate?: string;
  env: Record<string, string>;
  upstreams: { name: string; handlers: string; env: string }[];
  /** The document's path on the target, e.g. /openapi.json (also what readiness waits for). */
  openapiPath: string;
  /** Where the config will be written: relative paths in the spec are relative to its directory. */
  configFile: string;
}

/**
 * For `gauntlet init --openapi /openapi.json`: brings up Postgres and Redis, runs the migrate
 * command, starts the target the way the config will, reads its document, lets `whileUp` ask it
 * what the document cannot tell, and tears it all down.
 * Readiness is the document itself answering 200 (the health path is not known yet).
 */
export async function readDocumentFromTarget<T>(spec: StartSpec, whileUp: (baseUrl: string, loaded: LoadedDocument) => Promise<T>): Promise<LoadedDocument & { logDir: string; observed: T }> {
  // A directory of its own per run: two inits at once never share (or clobber) a log.
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-'));
  const { config } = validateConfig(
    {
      target: {
        name: 'init',
        start: { command: spec.start, cwd: spec.cwd, env: spec.env },
        ...(spec.migrate ? { migrate: { command: spec.migrate, cwd: spec.cwd } } : {}),
        health: { path: spec.openapiPath },
        openapi: { url: spec.openapiPath },
      },
      upstreams: spec.upstreams,
      reports: { dir: logDir },
    },
    'gauntlet init',
  );
  const resolved = resolvePaths(config, spec.configFile);
  const stack = await startStack(resolved, await resolveEnvironmentKind(spec.kind), { withTarget: true });
  try {
    const url = stack.target?.url as string;
    const loaded = await loadDocument({ url: spec.openapiPath, allowInvalid: true }, url);
    // While it runs: what only the started target can tell (the health path, where the token is).
    return { ...loaded, logDir, observed: await whileUp(url, loaded) };
  } finally {
    await stack.stop();
  }
}
