import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolvePaths } from '../config/load.ts';
import { validateConfig } from '../config/validate.ts';
import { resolveEnvironmentKind } from '../environments/resolve.ts';
import { loadDocument, type LoadedDocument } from '../openapi/document.ts';
import { startStack } from '../provision/stack.ts';
import { ANY_ANSWER } from '../wait/http.ts';

export interface StartSpec {
  kind: 'auto' | 'native' | 'testcontainers';
  start: string;
  cwd: string;
  migrate?: string;
  env: Record<string, string>;
  upstreams: { name: string; handlers: string; env: string }[];
  /** The document's path on the target, e.g. /openapi.json (also what readiness waits for); none when the document is a file. */
  openapiPath?: string;
  /** Where the config will be written: relative paths in the spec are relative to its directory. */
  configFile: string;
  /** Another database URL scheme than `postgres://` (SQLAlchemy's `postgresql`). */
  databaseScheme?: string;
}

/**
 * For `gauntlet init`: brings up Postgres and Redis, runs the migrate command, starts the target
 * the way the config will, lets `whileUp` ask it what the document cannot tell (and read the
 * document itself when it is served), and tears it all down. Readiness is the document answering
 * 200, or, for a document in a file, any answer on `/` (the health path is not known yet).
 */
export async function withStartedTarget<T>(spec: StartSpec, whileUp: (baseUrl: string) => Promise<T>): Promise<T & { logDir: string }> {
  // A directory of its own per run: two inits at once never share (or clobber) a log.
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-init-'));
  const { config } = validateConfig(
    {
      target: {
        name: 'init',
        start: { command: spec.start, cwd: spec.cwd, env: spec.env },
        ...(spec.databaseScheme ? { env: { databaseUrl: { name: 'DATABASE_URL', scheme: spec.databaseScheme } } } : {}),
        ...(spec.migrate ? { migrate: { command: spec.migrate, cwd: spec.cwd } } : {}),
        health: { path: spec.openapiPath ?? '/' },
        ...(spec.openapiPath ? { openapi: { url: spec.openapiPath } } : {}),
      },
      upstreams: spec.upstreams,
      reports: { dir: logDir },
    },
    'gauntlet init',
  );
  const resolved = resolvePaths(config, spec.configFile);
  if (!spec.openapiPath) resolved.target.health.status = ANY_ANSWER;
  const stack = await startStack(resolved, await resolveEnvironmentKind(spec.kind), { withTarget: true });
  try {
    return { ...(await whileUp(stack.target?.url as string)), logDir };
  } finally {
    await stack.stop();
  }
}

/** The served document (`--openapi /openapi.json`), read from the started target, with what `whileUp` learned. */
export function readDocumentFromTarget<T>(spec: StartSpec & { openapiPath: string }, whileUp: (baseUrl: string, loaded: LoadedDocument) => Promise<T>): Promise<LoadedDocument & { observed: T; logDir: string; databaseScheme?: string }> {
  return withEitherScheme(spec, async (url) => {
    const loaded = await loadDocument({ url: spec.openapiPath, allowInvalid: true }, url);
    return { ...loaded, observed: await whileUp(url, loaded) };
  });
}

/**
 * `withStartedTarget`, and once more with a `postgresql://` database URL when the target or its
 * migrate command did not come up with `postgres://` (SQLAlchemy and other drivers refuse the short
 * form): the scheme that worked is returned for the config.
 */
export async function withEitherScheme<T>(spec: StartSpec, whileUp: (baseUrl: string) => Promise<T>): Promise<T & { logDir: string; databaseScheme?: string }> {
  try {
    return await withStartedTarget(spec, whileUp);
  } catch (error) {
    const again = await withStartedTarget({ ...spec, databaseScheme: 'postgresql' }, whileUp).catch(() => undefined);
    if (!again) throw error;
    return { ...again, databaseScheme: 'postgresql' };
  }
}
