import swagger from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { problemRef, problemSchema } from '../lib/problem.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemRef } } });

/**
 * OpenAPI 3.1 generated from the route schemas. Every route also documents the error responses the
 * shared machinery can produce (validation 400, 401 when secured, 413/415 with a body, 429, 500).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  app.addSchema(problemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'companion-api', version: '1.0.0', description: 'Example backend shipped with Gauntlet: chat companion with crisis detection, voice and goals.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // A multipart body is parsed as a stream by @fastify/multipart, not validated by Fastify: routes
    // declare it as `multipartBody`, and it is put into the document only.
    transform: ({ schema, url }) => {
      const multipart = (schema as { multipartBody?: object } | undefined)?.multipartBody;
      if (!schema || !multipart) return { schema, url };
      return { schema: { ...schema, body: multipart, consumes: ['multipart/form-data'] } as typeof schema, url };
    },
  });
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.schema || route.schema.hide) return;
    const response = (route.schema.response ??= {}) as Record<string, unknown>;
    const add = (code: number, description: string) => {
      response[code] ??= problem(description);
    };
    const hasBody = route.schema.body !== undefined || (route.schema as { multipartBody?: object }).multipartBody !== undefined;
    if (hasBody || route.schema.params || route.schema.querystring) add(400, 'The request does not match the schema');
    if (route.schema.security) add(401, 'Missing, invalid, expired or revoked access token');
    if (hasBody) {
      add(413, 'Body larger than the limit');
      add(415, 'Unsupported content type');
    }
    add(429, 'Rate limit exceeded; see Retry-After');
    add(500, 'Unexpected error (details are logged, never returned)');
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
