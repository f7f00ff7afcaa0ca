import { readFile } from 'node:fs/promises';
import path from 'node:path';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse as parseYaml } from 'yaml';
import { GauntletError } from '../errors/gauntlet-error.ts';

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface LoadedDocument {
  /** Where it came from, for messages. */
  source: string;
  /** Fully dereferenced: no $ref left. */
  doc: OpenApiDocument;
  /** What the OpenAPI schema validator found wrong with the document itself. */
  problems: string[];
}

/**
 * Loads the document from the running target (`{ url }`) or a file, validates it, and dereferences
 * it. A document that breaks the OpenAPI schema is GAUNTLET_OPENAPI_INVALID unless `allowInvalid`.
 */
export async function loadDocument(location: ({ url: string } | { file: string }) & { allowInvalid?: boolean }, targetUrl: string): Promise<LoadedDocument> {
  const source = 'url' in location ? new URL(location.url, `${targetUrl}/`).toString() : location.file;
  let raw: unknown;
  try {
    raw = 'url' in location ? await fetchDocument(source) : parseDocument(await readFile(location.file, 'utf8'), location.file);
  } catch (cause) {
    throw new GauntletError('GAUNTLET_OPENAPI_UNREADABLE', `The OpenAPI document at ${source} could not be read: ${(cause as Error).message}`, {
      cause,
      fix: 'Check target.openapi in gauntlet.config.ts: a URL path the target serves (e.g. /openapi.json) or a JSON file.',
    });
  }
  const doc = raw as OpenApiDocument;
  if (typeof doc !== 'object' || doc === null || typeof doc.openapi !== 'string' || !/^3\.[01]\./.test(doc.openapi)) {
    throw new GauntletError('GAUNTLET_OPENAPI_UNREADABLE', `${source} is not an OpenAPI 3.0 or 3.1 document (openapi: ${JSON.stringify((doc as { openapi?: unknown })?.openapi)}).`, {
      fix: 'Point target.openapi at an OpenAPI 3.0.x or 3.1.x document (Swagger 2.0 can be converted with swagger2openapi).',
    });
  }
  const validation = await new Validator().validate(structuredClone(doc));
  const problems = validation.valid ? [] : describeProblems(validation.errors);
  if (problems.length && !location.allowInvalid) {
    throw new GauntletError('GAUNTLET_OPENAPI_INVALID', `${source} is not a valid OpenAPI ${doc.openapi} document (${problems.length} problem${problems.length === 1 ? '' : 's'}): checks generated from it would be nonsense.`, {
      detail: problems,
      fix: `Fix the document where the validator points, or set target.openapi.allowInvalid: true in gauntlet.config.ts to test against it anyway (its problems then fail contract:document).`,
    });
  }
  const dereferenced = (await $RefParser.dereference(structuredClone(doc), { dereference: { circular: 'ignore' } })) as OpenApiDocument;
  lastLoaded = 'url' in location ? { raw } : { file: path.resolve(location.file) };
  return { source, doc: dereferenced, problems };
}

let lastLoaded: { file: string } | { raw: unknown } | undefined;

/**
 * The document the run last read, as it was written: its file, or what the target served. The SARIF
 * report (reporters/sarif-reporter.ts) locates each finding at its operation in it.
 */
export function loadedDocument(): { file: string } | { raw: unknown } | undefined {
  return lastLoaded;
}

async function fetchDocument(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET answered ${response.status}`);
  return parseDocument(await response.text(), url);
}

/** JSON, or YAML (openapi.yaml, served as application/yaml or text). */
function parseDocument(text: string, source: string): unknown {
  return /\.ya?ml$/i.test(source) || !text.trimStart().startsWith('{') ? parseYaml(text) : JSON.parse(text);
}

function describeProblems(errors: unknown): string[] {
  const list = Array.isArray(errors) ? errors : [errors];
  return list.slice(0, 20).map((e) => {
    const err = e as { instancePath?: string; message?: string; params?: unknown };
    return `${err.instancePath || '(root)'}: ${err.message ?? JSON.stringify(e)}${err.params ? ` ${JSON.stringify(err.params)}` : ''}`;
  });
}
