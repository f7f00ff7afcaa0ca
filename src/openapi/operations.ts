import type { OpenApiDocument } from './document.ts';

export type JsonSchema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
  example?: unknown;
}

export interface MediaType {
  contentType: string;
  schema: JsonSchema | undefined;
  example?: unknown;
}

export interface ResponseSpec {
  status: string;
  content: MediaType[];
  requiredHeaders: string[];
  /** OpenAPI links: which operation can use what from this response (runtime expressions by parameter). */
  links: { operationId: string; parameters: Record<string, string> }[];
  /** The response's description, when it has one ("admin role required", "the current password is wrong"). */
  description?: string;
}

export interface Operation {
  /** "POST /conversations/{id}/messages" */
  id: string;
  operationId: string | undefined;
  method: string;
  path: string;
  parameters: Parameter[];
  body: { required: boolean; media: MediaType[] } | undefined;
  responses: ResponseSpec[];
  /** A token is required (its security requirements do not include the empty one, `{}`). */
  secured: boolean;
  /** A token is optional (`security: [{}, { token: [] }]`): sent, but not required; such an operation is not `secured`. */
  optionalAuth?: boolean;
  /** The document's tags: words that link it to its producers. */
  tags?: string[];
  /** The security schemes it accepts, in the document's order (target.auth.schemes picks the headers for them). */
  schemes?: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * The path every operation's path goes under: the config's, else the path of the document's
 * `servers[0].url` (absolute or relative, its `{variables}` at their defaults), without a trailing slash.
 */
export function basePathOf(doc: OpenApiDocument, configured?: string): string {
  if (configured !== undefined) return configured;
  const server = (doc.servers as { url?: unknown; variables?: Record<string, { default?: unknown }> }[] | undefined)?.[0];
  if (typeof server?.url !== 'string') return '';
  const url = server.url.replace(/\{([^}]+)\}/g, (_, name: string) => String(server.variables?.[name]?.default ?? ''));
  let path: string;
  try {
    path = new URL(url, 'http://base.invalid').pathname;
  } catch {
    return '';
  }
  return path.replace(/\/+$/, '');
}

/**
 * Every operation of a dereferenced document, with path-level parameters merged in. `path` is where
 * it is served (under `basePath`); `id` keeps the document's path ("GET /articles/{slug}").
 */
export function listOperations(doc: OpenApiDocument, basePath = ''): Operation[] {
  const globalSecurity = Array.isArray(doc.security) && doc.security.length > 0;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const shared = ((item as { parameters?: unknown[] }).parameters ?? []) as RawParameter[];
    for (const method of METHODS) {
      const op = (item as Record<string, RawOperation | undefined>)[method];
      if (!op) continue;
      const parameters = mergeParameters(shared, op.parameters ?? []).map(toParameter);
      const security = op.security ?? (globalSecurity ? doc.security : []);
      operations.push({
        id: `${method.toUpperCase()} ${path}`,
        operationId: op.operationId,
        method: method.toUpperCase(),
        path: `${basePath}${path}`,
        parameters,
        body: op.requestBody ? { required: op.requestBody.required === true, media: mediaTypes(op.requestBody.content) } : undefined,
        responses: Object.entries(op.responses ?? {}).map(([status, r]) => ({
          status,
          content: mediaTypes((r as RawResponse).content),
          requiredHeaders: Object.entries((r as RawResponse).headers ?? {})
            .filter(([, h]) => (h as { required?: boolean }).required)
            .map(([name]) => name.toLowerCase()),
          links: Object.values((r as RawResponse).links ?? {})
            .filter((l) => typeof l.operationId === 'string')
            .map((l) => ({ operationId: l.operationId as string, parameters: l.parameters ?? {} })),
          ...(typeof (r as RawResponse).description === 'string' ? { description: (r as RawResponse).description } : {}),
        })),
        ...authOf(security),
        ...schemesOf(security),
        ...(Array.isArray(op.tags) && op.tags.length ? { tags: op.tags.filter((t): t is string => typeof t === 'string') } : {}),
      });
    }
  }
  return operations;
}

function schemesOf(security: unknown): { schemes?: string[] } {
  if (!Array.isArray(security)) return {};
  const names = [...new Set(security.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : [])))];
  return names.length ? { schemes: names } : {};
}

/** Required, optional (one requirement is the empty `{}`) or no authentication. */
function authOf(security: unknown): { secured: boolean; optionalAuth?: boolean } {
  if (!Array.isArray(security) || security.length === 0) return { secured: false };
  const optional = security.some((r) => r && typeof r === 'object' && Object.keys(r).length === 0);
  return optional ? { secured: false, optionalAuth: true } : { secured: true };
}

interface RawParameter {
  name: string;
  in: Parameter['in'];
  required?: boolean;
  schema?: JsonSchema;
  example?: unknown;
}
interface RawOperation {
  operationId?: string;
  tags?: unknown[];
  parameters?: RawParameter[];
  requestBody?: { required?: boolean; content?: Record<string, RawMedia> };
  responses?: Record<string, unknown>;
  security?: unknown[];
}
interface RawMedia {
  schema?: JsonSchema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}
interface RawResponse {
  description?: string;
  content?: Record<string, RawMedia>;
  headers?: Record<string, unknown>;
  links?: Record<string, { operationId?: string; parameters?: Record<string, string> }>;
}

function mergeParameters(shared: RawParameter[], own: RawParameter[]): RawParameter[] {
  const key = (p: RawParameter) => `${p.in}:${p.name}`;
  const byKey = new Map(shared.map((p) => [key(p), p]));
  for (const p of own) byKey.set(key(p), p);
  return [...byKey.values()];
}

function toParameter(p: RawParameter): Parameter {
  // A parameter without a schema (swagger-jsdoc writes them; OpenAPI requires schema or content) is text: a path, query or header value is.
  const schema = p.schema && Object.keys(p.schema).length > 0 ? p.schema : { type: 'string' };
  return { name: p.name, in: p.in, required: p.in === 'path' || p.required === true, schema, ...(p.example !== undefined ? { example: p.example } : {}) };
}

function mediaTypes(content: Record<string, RawMedia> | undefined): MediaType[] {
  return Object.entries(content ?? {}).map(([contentType, m]) => {
    const example = m.example ?? Object.values(m.examples ?? {})[0]?.value ?? (Array.isArray(m.schema?.examples) ? (m.schema.examples as unknown[])[0] : undefined);
    return { contentType, schema: m.schema, ...(example !== undefined ? { example } : {}) };
  });
}

/** The documented response for a status: exact code, then 4XX-style ranges, then default. */
export function responseFor(op: Operation, status: number): ResponseSpec | undefined {
  return op.responses.find((r) => r.status === String(status)) ?? op.responses.find((r) => r.status.toUpperCase() === `${String(status)[0]}XX`) ?? op.responses.find((r) => r.status === 'default');
}
