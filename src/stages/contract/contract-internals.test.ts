import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Coverage } from '../../openapi/api-coverage.ts';
import { loadDocument } from '../../openapi/document.ts';
import { arbitraryFor, sampleFor } from '../../openapi/generate.ts';
import type { HttpResponse } from '../../http/send.ts';
import { curl } from '../../http/send.ts';
import { negativesFor } from './_negatives.ts';
import type { Operation } from '../../openapi/operations.ts';
import { orderOperations, ResourceStore } from '../../openapi/plan.ts';
import { leakedInternals, ResponseValidator } from '../../openapi/validate.ts';

const ajv = new Ajv2020({ strict: false });
(formatsModule as unknown as (a: Ajv2020) => void)(ajv);

const body = {
  type: 'object',
  required: ['email', 'title'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    title: { type: 'string', minLength: 3, maxLength: 12 },
    count: { type: 'integer', minimum: 1, maximum: 5 },
    id: { type: 'string', format: 'uuid' },
    when: { type: 'string', format: 'date-time' },
    kind: { type: 'string', enum: ['a', 'b'] },
    note: { type: ['string', 'null'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
  },
};

const op = (method: string, path: string, extra: Partial<Operation> = {}): Operation => ({
  id: `${method} ${path}`,
  method,
  path,
  parameters: [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1] as string, in: 'path' as const, required: true, schema: { type: 'string', format: 'uuid' } })),
  body: undefined,
  responses: [{ status: method === 'POST' ? '201' : '200', content: [{ contentType: 'application/json', schema: { type: 'object' } }], requiredHeaders: [], links: [] }],
  operationId: undefined,
  secured: true,
  ...extra,
});

describe('generated request data', () => {
  it('is always valid for its schema', () => {
    const validate = ajv.compile(body);
    fc.assert(fc.property(arbitraryFor(body), (value) => validate(value) === true), { seed: 7, numRuns: 300 });
  });

  it('is the same for the same seed, and prefers examples', () => {
    expect(sampleFor(body, 3)).toEqual(sampleFor(body, 3));
    expect(sampleFor(body, 3)).not.toEqual(sampleFor(body, 4));
    expect(sampleFor(body, 3, { email: 'given@example.com', title: 'given' })).toEqual({ email: 'given@example.com', title: 'given' });
    expect(sampleFor({ ...body, examples: [{ email: 'x@example.com', title: 'abc' }] }, 3)).toEqual({ email: 'x@example.com', title: 'abc' });
  });
});

const created = (json: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status: 201, headers: new Headers(headers), text: JSON.stringify(json ?? ''), json, contentType: 'application/json', ms: 1 });

describe('operation order and path parameters', () => {
  it('runs the auth flow first, creations next, deletes late, and session enders last', () => {
    const logout = op('POST', '/auth/logout', { responses: [{ status: '204', content: [], requiredHeaders: [], links: [] }] });
    const ordered = orderOperations([op('DELETE', '/things/{id}'), logout, op('GET', '/things/{id}'), op('POST', '/things'), op('POST', '/auth/login'), op('POST', '/auth/register')], ['/auth/register', '/auth/login']);
    expect(ordered.map((o) => o.id)).toEqual(['POST /auth/register', 'POST /auth/login', 'POST /things', 'GET /things/{id}', 'DELETE /things/{id}', 'POST /auth/logout']);
  });

  it('resolves ids from created resources and from arrays of their parent', () => {
    const store = new ResourceStore();
    store.remember(op('POST', '/goals'), created({ id: 'g1', tasks: [{ id: 't1' }, { id: 't2' }] }));
    expect(store.resolvePath(op('POST', '/goals/{id}/tasks/{taskId}/complete'), 1)).toEqual({ path: '/goals/g1/tasks/t1/complete', resolved: true, invented: [] });
    store.remember(op('POST', '/notes'), created(undefined, { location: '/notes/n-42' }));
    expect(store.resolvePath(op('GET', '/notes/{noteId}'), 1).path).toBe('/notes/n-42');
    const unresolved = store.resolvePath(op('GET', '/others/{id}'), 1);
    expect(unresolved.resolved).toBe(false);
    expect(unresolved.path).toMatch(/^\/others\/[0-9a-f-]{36}$/);
  });
});

describe('OpenAPI links', () => {
  it('gives a linked operation the values the expressions point at', () => {
    const create = op('POST', '/boards', { responses: [{ status: '201', content: [], requiredHeaders: [], links: [{ operationId: 'getBoard', parameters: { key: '$response.body#/board/key', etag: '$response.header.etag' } }] }] });
    const get = op('GET', '/boards/{key}', { operationId: 'getBoard' });
    const store = new ResourceStore();
    store.remember(create, created({ board: { key: 'b-7' } }, { etag: '"v1"' }));
    expect(store.resolvePath(get, 1)).toEqual({ path: '/boards/b-7', resolved: true, invented: [] });
  });
});

describe('negative variants', () => {
  it('derives each invalid variant from the valid request', () => {
    const post = op('POST', '/things/{id}', { body: { required: true, media: [{ contentType: 'application/json', schema: body }] } });
    const valid = { method: 'POST', url: 'http://t/things/6f1c7c1e-3b0a-4a53-9a4e-0a0b9a4c1d2e', headers: { authorization: 'Bearer x' }, body: { json: { email: 'a@example.com', title: 'hello' } } };
    const variants = negativesFor(post, valid, { rejectUnknownFields: true });
    expect(variants.map((v) => v.name)).toEqual(['missing required field email', 'wrong type for email', 'out-of-range email', 'unknown field', 'malformed JSON', 'wrong content type', 'malformed path parameter id']);
    expect(variants[0]?.request.body).toEqual({ json: { title: 'hello' } });
    expect(variants[1]?.request.body).toEqual({ json: { email: 12345, title: 'hello' } });
    expect(variants.at(-1)?.request.url).toBe('http://t/things/not-a-valid-id');
    expect(variants.every((v) => v.request.headers.authorization === 'Bearer x')).toBe(true);
  });

  it('leaves out the unknown-field variant when the target may ignore unknown fields', () => {
    const post = op('POST', '/things', { body: { required: true, media: [{ contentType: 'application/json', schema: body }] } });
    const variants = negativesFor(post, { method: 'POST', url: 'http://t/things', headers: {}, body: { json: { email: 'a@example.com', title: 'hello' } } }, { rejectUnknownFields: false });
    expect(variants.map((v) => v.name)).not.toContain('unknown field');
  });
});

describe('coverage', () => {
  it('counts operations, documented statuses and parameters', () => {
    const get = op('GET', '/things/{id}', { responses: [{ status: '200', content: [], requiredHeaders: [], links: [] }, { status: '404', content: [], requiredHeaders: [], links: [] }] });
    const list = op('GET', '/things');
    const coverage = new Coverage([get, list]);
    coverage.record(get, 200, ['id']);
    coverage.record(get, 418); // undocumented: not a covered status
    expect(coverage.metrics()).toMatchObject({ 'apiCoverage.operations': 50, 'apiCoverage.statusCodes': 33.33, 'apiCoverage.parameters': 100 });
  });
});

describe('response validation', () => {
  const validator = new ResponseValidator('3.1.0');
  const item = op('GET', '/items/{id}', {
    responses: [{ status: '200', content: [{ contentType: 'application/json', schema: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } }], requiredHeaders: ['etag'], links: [] }],
  });
  const response = (status: number, json: unknown, headers: Record<string, string> = { 'content-type': 'application/json', etag: '"1"' }): HttpResponse => ({
    status,
    headers: new Headers(headers),
    text: JSON.stringify(json),
    json,
    contentType: headers['content-type'] ?? '',
    ms: 1,
  });

  it('accepts a documented response', () => {
    expect(validator.problems(item, response(200, { id: '1', name: 'a' }))).toEqual([]);
  });

  it('names an undocumented status, a missing required field, a missing header and an undocumented content type', () => {
    expect(validator.problems(item, response(418, {}))).toEqual(['status 418 is not documented for GET /items/{id} (documented: 200)']);
    expect(validator.problems(item, response(200, { id: '1' }))).toEqual(["body must have required property 'name'"]);
    expect(validator.problems(item, response(200, { id: '1', name: 'a' }, { 'content-type': 'application/json' }))).toEqual(['required header etag is missing']);
    expect(validator.problems(item, response(200, { id: '1', name: 'a' }, { 'content-type': 'text/html', etag: 'x' }))).toEqual(['content type text/html is not documented for 200 (documented: application/json)']);
  });

  it('recognises internals in error bodies: stack frames and database errors', () => {
    expect(leakedInternals(JSON.stringify({ stack: 'Error: x\n    at handler (/app/src/routes.ts:10:5)' }))).toEqual(['a stack trace']);
    // An HTML error page (Express's default), a Python traceback (plain or in Werkzeug's HTML), a Go panic, a Ruby backtrace.
    expect(leakedInternals('<pre>Error: boom<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br></pre>')).toEqual(['a stack trace']);
    expect(leakedInternals('Traceback (most recent call last):\n  File "/app/run.py", line 12, in index\n    boom()')).toEqual(['a stack trace']);
    expect(leakedInternals('<div class="traceback">File &quot;/usr/lib/python3/dist-packages/flask/app.py&quot;, line 2525, in wsgi_app</div>')).toEqual(['a stack trace']);
    expect(leakedInternals('panic: runtime error\n\ngoroutine 7 [running]:\nmain.handler(...)\n\t/app/main.go:42 +0x1d')).toEqual(['a stack trace']);
    expect(leakedInternals("app/controllers/posts_controller.rb:12:in `show'")).toEqual(['a stack trace']);
    // Words that only look like it: no frame, no file and line.
    expect(leakedInternals('<p>Look at the docs<br>at your own pace</p>')).toEqual([]);
    expect(leakedInternals('{"detail":"syntax error at or near \\"or\\""}')).toEqual(['a database error']);
    expect(leakedInternals('{"detail":"conversation not found"}')).toEqual([]);
  });

  it('prints a request as a curl line that a shell runs as is', () => {
    expect(curl({ method: 'POST', url: 'http://127.0.0.1:1/x', headers: { authorization: 'Bearer t' }, body: { json: { q: "it's" } } })).toBe(
      "curl -i -X POST 'http://127.0.0.1:1/x' -H 'authorization: Bearer t' -H 'content-type: application/json' --data-raw '{\"q\":\"it'\\''s\"}'",
    );
  });
});

describe('the document itself', () => {
  it('reports what is wrong with it, and dereferences what is right', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-doc-'));
    const file = path.join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } } } }, '/b': { get: { parameters: [{ name: 'x' }], responses: { '200': { description: 'ok' } } } } }, components: { schemas: { A: { type: 'object' } } } }));
    // By default an invalid document stops the run (exit 2), naming where it is wrong...
    await expect(loadDocument({ file }, 'http://unused')).rejects.toMatchObject({ code: 'GAUNTLET_OPENAPI_INVALID', detail: expect.arrayContaining([expect.stringMatching(/\/paths\/~1b\/get\/parameters\/0/)]), fix: expect.stringContaining('target.openapi.allowInvalid') });
    // ...and with allowInvalid it is tested anyway, its problems kept for contract:document.
    const loaded = await loadDocument({ file, allowInvalid: true }, 'http://unused');
    expect(loaded.problems.join('\n')).toMatch(/\/paths\/~1b\/get\/parameters\/0/);
    expect((loaded.doc.paths['/a'] as any).get.responses['200'].content['application/json'].schema).toEqual({ type: 'object' });
  });

  it('refuses something that is not OpenAPI 3, with the fix', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-doc-'));
    const file = path.join(dir, 'swagger.json');
    await writeFile(file, JSON.stringify({ swagger: '2.0', paths: {} }));
    await expect(loadDocument({ file }, 'http://unused')).rejects.toMatchObject({ code: 'GAUNTLET_OPENAPI_UNREADABLE', fix: expect.stringContaining('OpenAPI 3.0.x or 3.1.x') });
  });
});
