import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curl, type HttpRequest } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { hostileValues, slotsOf, withValue } from './_hostile.ts';

const kinds = (values: ReturnType<typeof hostileValues>) => Object.fromEntries(values.map((v) => [v.kind, v.forbidden]));

describe('hostile values', () => {
  it('integers: past each bound, negative, zero, 2^31, 2^63 and a non-number; forbidden only where the document says so', () => {
    expect(kinds(hostileValues({ type: 'integer', minimum: 0 }, { in: 'query', required: false }))).toEqual({
      'below the minimum (-1)': true,
      zero: false,
      '2^31': false,
      '2^63': false,
      'not a number': true,
    });
    expect(kinds(hostileValues({ type: 'integer', minimum: 1, maximum: 100 }, { in: 'query', required: false }))).toEqual({
      'below the minimum (0)': true,
      'above the maximum (101)': true,
      'negative (-1)': true,
      '2^31': true,
      '2^63': true,
      'not a number': true,
    });
    // no bounds at all: -1 is still sent (the commonest unguarded OFFSET), and must not be a 5xx
    expect(kinds(hostileValues({ type: 'integer' }, { in: 'path', required: true }))['negative (-1)']).toBe(false);
  });

  it('strings: long ones whether or not maxLength is set (path segments only 256), NUL and control characters', () => {
    expect(kinds(hostileValues({ type: 'string' }, { in: 'query', required: false }))).toEqual({ '256 characters': false, '4096 characters': false, '65536 characters': false, 'a NUL character': false, 'control and right-to-left characters': false });
    expect(kinds(hostileValues({ type: 'string', maxLength: 300 }, { in: 'query', required: false }))).toMatchObject({ '256 characters': false, '4096 characters': true });
    expect(Object.keys(kinds(hostileValues({ type: 'string', format: 'uuid' }, { in: 'path', required: true })))).toEqual(['256 characters', 'a NUL character', 'control and right-to-left characters', 'not a uuid']);
    expect(hostileValues({ type: 'string', format: 'uuid' }, { in: 'path', required: true }).every((v) => v.forbidden)).toBe(true);
    // A shape forbids a value only when the value breaks it: a pattern that takes any text, a format no validator knows.
    expect(kinds(hostileValues({ type: 'string', pattern: '^.*$' }, { in: 'body', required: false }))).toMatchObject({ '4096 characters': false, 'a NUL character': false });
    expect(kinds(hostileValues({ type: 'string', pattern: '^[a-z]+$' }, { in: 'body', required: false }))).toMatchObject({ '4096 characters': false, 'a NUL character': true });
    expect(kinds(hostileValues({ type: 'string', format: 'password' }, { in: 'body', required: false }))).toMatchObject({ '256 characters': false });
    expect(kinds(hostileValues({ type: 'string', format: 'email' }, { in: 'body', required: false }))).toMatchObject({ '256 characters': true });
  });

  it('body fields also get null (allowed only when nullable) and the other container types', () => {
    expect(kinds(hostileValues({ type: 'string', minLength: 1 }, { in: 'body', required: true }))).toMatchObject({ null: true, 'an array instead of a string': true, 'an object instead of a string': true });
    expect(kinds(hostileValues({ type: ['integer', 'null'] }, { in: 'body', required: true })).null).toBe(false);
    expect(kinds(hostileValues({ type: 'array', items: {} }, { in: 'body', required: false }))).toEqual({ null: true, 'an object instead of an array': true, 'a string instead of an array': true });
  });
});

describe('slots and variants', () => {
  const op = {
    id: 'PUT /articles/{slug}',
    method: 'PUT',
    path: '/articles/{slug}',
    parameters: [
      { name: 'slug', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
    ],
    body: {
      required: true,
      media: [
        {
          contentType: 'application/json',
          schema: {
            type: 'object',
            required: ['article'],
            properties: {
              article: { type: 'object', properties: { title: { type: 'string' }, id: { type: 'integer', readOnly: true }, author: { type: 'object', properties: { name: { type: 'string' } } } } },
            },
          },
        },
      ],
    },
    responses: [],
    secured: false,
  } as unknown as Operation;
  const valid: HttpRequest = { method: 'PUT', url: 'http://127.0.0.1:1/api/articles/hello?limit=5', headers: {}, body: { json: { article: { title: 'Hi' } } } };

  it('finds the fields inside a wrapped body at any depth, read-only ones left out', () => {
    expect(slotsOf(op, { article: { title: 'Hi' } }).map((s) => s.where)).toEqual(['path.slug', 'query.limit', 'body.article', 'body.article.title', 'body.article.author', 'body.article.author.name']);
  });

  it('replaces one value where the field lives, creating a missing parent, and leaves the valid request as it was', () => {
    const [, , , , , name] = slotsOf(op, { article: { title: 'Hi' } });
    const varied = withValue(op, valid, name as NonNullable<typeof name>, null);
    expect(varied.body).toEqual({ json: { article: { title: 'Hi', author: { name: null } } } });
    expect(valid.body).toEqual({ json: { article: { title: 'Hi' } } });
    const [slug, limit] = slotsOf(op, {});
    // the base path (/api) stays: the segment is found by its position in the document's path, from the end
    expect(withValue(op, valid, slug as NonNullable<typeof slug>, 'a/b').url).toBe('http://127.0.0.1:1/api/articles/a%2Fb?limit=5');
    expect(withValue(op, valid, limit as NonNullable<typeof limit>, -1).url).toBe('http://127.0.0.1:1/api/articles/hello?limit=-1');
  });

  it('writes a 65,536-character field as a short curl that sends the same bytes', () => {
    const body = { article: { title: 'x'.repeat(65_536), note: "50% it's \\ \u0007" } };
    const command = curl({ method: 'POST', url: 'http://127.0.0.1:1/a', headers: {}, body: { json: body } });
    expect(command.length).toBeLessThan(300);
    const data = /--data-raw (.*)$/.exec(command)?.[1] as string;
    expect(JSON.parse(execFileSync('bash', ['-c', `printf '%s' ${data}`], { encoding: 'utf8' }))).toEqual(body);
  });
});
