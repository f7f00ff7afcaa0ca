import { Ajv as AjvDraft7, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import type { HttpResponse } from '../http/send.ts';
import { responseFor, type JsonSchema, type Operation } from './operations.ts';

// ajv-formats is CommonJS whose default export is the plugin function.
const addFormats = formatsModule as unknown as (ajv: Ajv2020 | AjvDraft7) => void;

/** Signs that a body exposes internals: stack frames, database driver errors, file paths. */
const INTERNALS = [
  // Node/Java frames after a newline, an escaped one, or an HTML error page's <br> and &nbsp; (Express's default page);
  // Python's traceback, Go's panic, Ruby's backtrace.
  { what: 'a stack trace', re: /(?:\\n|\n|<br\s*\/?>)(?:\s|&nbsp;|&#160;)*at [\w.<>$ [\]]*\(?(?:file:\/\/)?\/?[\w./-]+:\d+:\d+\)?|Traceback \(most recent call last\)|File &quot;[^&]+\.py&quot;, line \d+|File "[^"]+\.py", line \d+, in |goroutine \d+ \[[a-z ]+\]:|\.go:\d+ \+0x[0-9a-f]+|\.rb:\d+:in [`']/ },
  { what: 'a database error', re: /(syntax error at or near|duplicate key value violates|relation "[^"]+" does not exist|column "[^"]+" does not exist|unterminated quoted string|SQLSTATE|PG::|psycopg2|ER_PARSE_ERROR)/i },
  // What a database or cache driver says when its server is gone (node-postgres, ioredis, psycopg, redis-py).
  { what: 'a driver message', re: /(\bconnect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH)\b|Connection terminated unexpectedly|terminating connection due to administrator command|the database system is (shutting down|starting up|in recovery mode)|Client has encountered a connection error|connection to server at .* failed|Connection refused\s+Is the server running|Connection is closed\.|MaxRetriesPerRequestError|Error 111 connecting to)/i },
];

/** An address inside the deployment (loopback or a private range, with a port): in an error body it tells an attacker the topology. */
const INTERNAL_ADDRESS = /\b(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|10\.\d{1,3}\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}):\d{2,5}\b/;

export class ResponseValidator {
  private readonly ajv: Ajv2020 | AjvDraft7;
  private readonly cache = new WeakMap<object, ValidateFunction>();

  constructor(openapiVersion: string) {
    const options = { strict: false, allErrors: true, validateFormats: true };
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 schemas are (roughly) draft-07 plus `nullable`.
    this.ajv = openapiVersion.startsWith('3.1') ? new Ajv2020(options) : new AjvDraft7(options);
    addFormats(this.ajv);
    this.ajv.addKeyword({ keyword: 'example' });
    this.ajv.addFormat('binary', true);
  }

  /** Every way the response disagrees with the document; [] when it is as documented. */
  problems(op: Operation, response: HttpResponse): string[] {
    // No answer (a request that hung): nothing to compare with the document; its :hang finding says so.
    if (response.status === 0) return [];
    const spec = responseFor(op, response.status);
    if (!spec) return [`status ${response.status} is not documented for ${op.id} (documented: ${op.responses.map((r) => r.status).join(', ')})`];
    const problems: string[] = [];
    for (const header of spec.requiredHeaders) if (!response.headers.has(header)) problems.push(`required header ${header} is missing`);
    if (spec.content.length === 0) return problems;
    const media = spec.content.find((m) => m.contentType === response.contentType) ?? spec.content.find((m) => m.contentType.endsWith('/*') && response.contentType.startsWith(m.contentType.slice(0, -1)));
    if (!media) {
      problems.push(`content type ${response.contentType || '(none)'} is not documented for ${response.status} (documented: ${spec.content.map((m) => m.contentType).join(', ')})`);
      return problems;
    }
    if (!media.schema || !/json/.test(media.contentType)) return problems;
    if (response.json === undefined && response.text !== '') return [...problems, 'the body is not valid JSON'];
    const validate = this.compile(media.schema);
    if (!validate(response.json)) {
      for (const e of validate.errors ?? []) problems.push(`body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    }
    return problems;
  }

  private compile(schema: JsonSchema): ValidateFunction {
    const cached = this.cache.get(schema);
    if (cached) return cached;
    const validate = this.ajv.compile(stripIds(schema)) as ValidateFunction;
    this.cache.set(schema, validate);
    return validate;
  }
}

/**
 * The addresses clients already use to reach the target (its URL's host:port): a framework's debug
 * page that echoes the request's own URL ("Request URL: http://127.0.0.1:39949/…") leaks nothing.
 */
const ownAddresses = new Set<string>();
export function treatAsPublic(url: string): void {
  const { host } = new URL(url);
  ownAddresses.add(host);
  if (host.startsWith('127.0.0.1:')) ownAddresses.add(host.replace('127.0.0.1', 'localhost'));
}

/** What internals an error body leaks, if any. */
export function leakedInternals(text: string): string[] {
  const others = [...ownAddresses].reduce((t, own) => t.replaceAll(own, ''), text);
  return [...INTERNALS.filter((i) => i.re.test(text)).map((i) => i.what), ...(INTERNAL_ADDRESS.test(others) ? ['an internal address (host:port)'] : [])];
}

/** Dereferenced schemas keep their $id; the same $id twice would make Ajv refuse to compile. */
function stripIds(schema: unknown, seen = new Map<object, unknown>()): JsonSchema {
  if (typeof schema !== 'object' || schema === null) return schema as JsonSchema;
  if (seen.has(schema)) return seen.get(schema) as JsonSchema;
  if (Array.isArray(schema)) {
    const out: unknown[] = [];
    seen.set(schema, out);
    for (const item of schema) out.push(stripIds(item, seen));
    return out as unknown as JsonSchema;
  }
  const out: Record<string, unknown> = {};
  seen.set(schema, out);
  for (const [k, v] of Object.entries(schema)) if (k !== '$id') out[k] = stripIds(v, seen);
  return out;
}

let shapes: AjvDraft7 | undefined;
const shapeCache = new Map<string, ValidateFunction>();

/**
 * Whether a string breaks the shape the document gives it (its `format`, `pattern` or `enum`),
 * tested as a validator would test it: a long run of "x" breaks an email format and a `^[0-9]+$`
 * pattern, not a `^.*$` pattern or a format no validator knows ("password", "text").
 */
export function breaksShape(schema: { format?: unknown; pattern?: unknown; enum?: unknown; const?: unknown }, value: string): boolean {
  const shape = { type: 'string', ...('const' in schema ? { const: schema.const } : {}), ...(typeof schema.format === 'string' ? { format: schema.format } : {}), ...(typeof schema.pattern === 'string' ? { pattern: schema.pattern } : {}), ...(Array.isArray(schema.enum) ? { enum: schema.enum } : {}) };
  const key = JSON.stringify(shape);
  let validate = shapeCache.get(key);
  if (!validate) {
    if (!shapes) {
      shapes = new AjvDraft7({ strict: false, validateFormats: true, logger: false });
      addFormats(shapes);
    }
    try {
      validate = shapes.compile(shape);
    } catch {
      // A pattern no RegExp takes: the document forbids nothing Gauntlet can tell.
      validate = Object.assign(() => true, { errors: null }) as unknown as ValidateFunction;
    }
    shapeCache.set(key, validate);
  }
  return !validate(value);
}
