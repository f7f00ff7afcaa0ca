import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { GauntletError } from '../errors/gauntlet-error.ts';
import { configSchema, type ResolvedConfigShape } from './schema.ts';

/**
 * Validates once and collects every problem, each with its key path, what was expected and what was
 * found. An unknown key is an error too, with a did-you-mean: a misspelt key (`persistance: false`)
 * would otherwise turn its check off without a word. One GauntletError lists them all.
 */
export function validateConfig(input: unknown, source: string): { config: ResolvedConfigShape } {
  const result = configSchema.safeParse(input, { reportInput: true });
  if (result.success) return { config: result.data };
  const errors = result.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? unknownKeyMessages(i) : [errorMessage(i)]));
  throw new GauntletError('GAUNTLET_CONFIG_INVALID', `${source} has ${plural(errors.length, 'error')}:`, {
    detail: errors.map((e) => `error: ${e}`),
    fix: 'Correct the keys above in the config file; every option is listed in README.md#configuration.',
  });
}

type Issue = z.core.$ZodIssue;

function keyPath(path: PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    // A URL's password is never echoed back (the message goes to logs and CI output).
    const shown = value.replace(/:[^:@/\s]+@/, ':***@');
    return `a string (${JSON.stringify(shown.length > 40 ? `${shown.slice(0, 40)}…` : shown)})`;
  }
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value)})`;
}

function errorMessage(issue: Issue): string {
  const at = `Config option "${keyPath(issue.path)}"`;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `${at} is required. It should be ${article(issue.expected)}.`
        : `${at} has the wrong type. It should be ${article(issue.expected)}, but was ${describe(issue.input)}.`;
    case 'invalid_value':
      return `${at} should be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, but was ${describe(issue.input)}.`;
    case 'invalid_union':
      return `${at} should be ${acceptedForms(issue.path)}, but was ${describe(issue.input)}.`;
    default:
      return `${at} is invalid: ${issue.message} (it was ${describe(issue.input)}).`;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function unknownKeyMessages(issue: Issue): string[] {
  if (issue.code !== 'unrecognized_keys') return [];
  const known = knownKeys(issue.path);
  return issue.keys.map((key) => {
    const at = keyPath([...issue.path, key]);
    const guess = known.map((k) => ({ k, d: distance(k, key) })).sort((a, b) => a.d - b.d)[0];
    const hint = guess && guess.d <= Math.max(2, Math.floor(key.length / 3)) ? ` Did you mean "${keyPath([...issue.path, guess.k])}"?` : '';
    return `Config option "${at}" is not known.${hint}`;
  });
}

/** The keys the schema accepts at a path (walks through optional/default/union wrappers). */
function knownKeys(path: PropertyKey[]): string[] {
  return [...new Set(schemaAt(path).flatMap((n) => Object.keys((n as { shape?: object }).shape ?? {})))];
}

/** The schema nodes at a key path, unwrapped through optional/default/union wrappers. */
function schemaAt(path: PropertyKey[]): unknown[] {
  let nodes: unknown[] = [configSchema];
  for (const segment of path) {
    nodes = nodes.flatMap(unwrap).flatMap((n) => {
      const shape = (n as { shape?: Record<string, unknown> }).shape;
      return shape && typeof segment === 'string' && shape[segment] ? [shape[segment]] : [];
    });
  }
  return nodes.flatMap(unwrap);
}

/** For a union of objects: `{ command, cwd?, env? } or { image, env? }`; otherwise the union's types. */
function acceptedForms(path: PropertyKey[]): string {
  return schemaAt(path)
    .map((n) => {
      const shape = (n as { shape?: Record<string, { _zod: { optin?: string } }> }).shape;
      if (!shape) return (n as { _zod: { def: { type: string } } })._zod.def.type;
      return `{ ${Object.entries(shape).map(([k, v]) => (v._zod.optin === 'optional' ? `${k}?` : k)).join(', ')} }`;
    })
    .join(' or ');
}

function unwrap(node: unknown): unknown[] {
  const def = (node as { _zod?: { def?: { innerType?: unknown; options?: unknown[]; in?: unknown } } })._zod?.def;
  if (def?.innerType) return unwrap(def.innerType);
  if (def?.in) return unwrap(def.in); // a transform: its input's shape
  if (def?.options) return def.options.flatMap(unwrap);
  return [node];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
