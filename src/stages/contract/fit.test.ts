import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../http/send.ts';
import { complaintsOf, fittingValue } from './_fit.ts';
import { operationOf } from './_hang.ts';
import { freshened, producersFor } from './_reach.ts';
import type { Operation } from '../../openapi/operations.ts';

const answer = (status: number, body: unknown): HttpResponse => ({ status, headers: new Headers(), text: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, contentType: 'application/json', ms: 1 });
const op = (method: string, path: string): Operation => ({ id: `${method} ${path}`, operationId: undefined, method, path, parameters: [], body: undefined, responses: [], secured: true });

describe('what a validation error says about the request', () => {
  it.each([
    ['pydantic', { detail: [{ loc: ['body', 'userName'], msg: 'ensure this value has at least 5 characters', type: 'value_error' }] }, 'userName', /at least 5/],
    ['DRF', { userName: ['Ensure this field has no more than 10 characters.'] }, 'userName', /no more than 10/],
    ['Joi as plain text', '"userName" length must be at least 5 characters long', 'userName', /at least 5/],
    ['class-validator', { statusCode: 400, message: ['userName must be longer than or equal to 5 characters'], error: 'Bad Request' }, 'userName', /longer than/],
    ['express-validator', { errors: [{ type: 'field', path: 'userName', msg: 'Invalid value' }] }, 'userName', /Invalid value/],
    ['Gin binding', { message: "Key: 'signUpInput.UserName' Error:Field validation for 'UserName' failed on the 'required' tag" }, 'userName', /required/],
  ])('reads %s', (_, body, field, message) => {
    expect(complaintsOf(answer(400, body), ['userName', 'email'])).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('takes a field the document leaves out when a structured error names it, but not a quoted word of plain text', () => {
    expect(complaintsOf(answer(422, '"id" is required'), ['name']).map((c) => c.field)).toEqual(['id']);
    expect(complaintsOf(answer(400, { message: "failed on the 'required' tag" }), ['name'])).toEqual([]);
  });

  it('makes a value that fits what the message states', () => {
    expect(fittingValue('display', 'Ensure this field has at least 5 and no more than 10 characters, letters and digits only.', 'a b', 1)).toMatch(/^[a-z0-9]{5,10}$/);
    expect(fittingValue('userName', '"userName" length must be less than or equal to 10 characters long', 'x', 2)).toMatch(/^[a-z0-9]{1,10}$/);
    expect(fittingValue('amount', 'must be greater than or equal to 3', 0, 1)).toBe(3);
    expect(fittingValue('contact', 'must be a valid email', 'x', 4)).toBe('gauntlet4@example.com');
    expect(fittingValue('type', '"type" must be one of [income, expense]', 'x', 1)).toBe('income');
    expect(fittingValue('category', '"category" must be a number', 'abc', 1)).toBe(1);
  });

  it('makes a taken value fresh at its length, keeping an email an email', () => {
    expect(freshened('adalo', 3)).toHaveLength(5);
    expect(freshened('adalo', 3)).not.toBe('adalo');
    expect(freshened('ada@example.com', 3)).toMatch(/^[a-z0-9]+@example\.com$/);
  });
});

describe('producers and operations by request', () => {
  it('finds the producer an answer names ("cart is empty"), never the operation itself or the auth flow', () => {
    const ops = [op('POST', '/orders/'), op('POST', '/cart/items/'), op('POST', '/auth/register'), op('POST', '/lists/{id}/items/')];
    expect(producersFor(ops[0] as Operation, ops, '{"detail":"cart is empty"}', new Set(['POST /auth/register'])).map((p) => p.id)).toEqual(['POST /cart/items/']);
  });

  it('matches a concrete URL to its operation in either slash form', () => {
    const ops = [op('GET', '/shops/{id}/'), op('PATCH', '/api/v1/category/')];
    expect(operationOf(ops, { method: 'GET', url: 'http://x/shops/3' })?.id).toBe('GET /shops/{id}/');
    expect(operationOf(ops, { method: 'PATCH', url: 'http://x/api/v1/category/' })?.id).toBe('PATCH /api/v1/category/');
    expect(operationOf(ops, { method: 'GET', url: 'http://x/shops/3/extra' })).toBeUndefined();
  });
});
