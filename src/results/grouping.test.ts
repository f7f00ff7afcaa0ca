import { describe, expect, it } from 'vitest';
import type { CheckResult } from './types.ts';
import { causeOf, deviationKinds, groupFindings } from './grouping.ts';

const failed = (id: string, message: string, severity: 'bug' | 'deviation' = 'bug'): CheckResult => ({ id, stage: id.split(':')[0] as string, title: id, status: 'failed', message, severity });

describe('one finding per cause', () => {
  it('groups the same failure across fields and operations, bugs first, the largest first', () => {
    const checks = [
      failed('contract:POST /lists/:boundaries', 'answered 500: a server error, for body.title = 256 characters\nreproduce: curl …'),
      failed('contract:PUT /lists/{id}:boundaries', 'answered 500: a server error, for body.title = a NUL character'),
      failed('contract:POST /items/:boundaries:2', 'answered 500: a server error, for query.limit = 2^31'),
      failed('contract:POST /auth/sign-in:wrong type for username', 'content type text/plain is not documented for 400 (documented: application/json)', 'deviation'),
      failed('contract:PUT /items/{id}:malformed JSON', 'content type text/plain is not documented for 400 (documented: application/json)', 'deviation'),
      failed('security:authz:object:GET /lists/{id}', "user B got 200 on user A's /lists/7 (which an anonymous request cannot read: 401): broken object-level authorization"),
      { ...failed('contract:GET /x:valid', 'answered 500: a server error'), known: { reason: 'accepted' } },
    ];
    expect(groupFindings(checks)).toEqual([
      { severity: 'bug', cause: 'answered N: a server error', example: 'answered 500: a server error, for body.title = 256 characters', checks: ['contract:POST /lists/:boundaries', 'contract:PUT /lists/{id}:boundaries', 'contract:POST /items/:boundaries:2'], operations: 3 },
      { severity: 'bug', cause: "user B got N on user A's /lists/N (which an anonymous request cannot read: N): broken object-level authorization", example: "user B got 200 on user A's /lists/7 (which an anonymous request cannot read: 401): broken object-level authorization", checks: ['security:authz:object:GET /lists/{id}'], operations: 1 },
      { severity: 'deviation', cause: 'content type text/plain is not documented for N (documented: application/json)', example: 'content type text/plain is not documented for 400 (documented: application/json)', checks: ['contract:POST /auth/sign-in:wrong type for username', 'contract:PUT /items/{id}:malformed JSON'], operations: 2 },
    ]);
  });

  it('keeps another status or another error apart', () => {
    expect(causeOf(failed('contract:GET /a:fuzz', 'answered 500: a server error'))).not.toBe(causeOf(failed('contract:GET /a:fuzz', 'status 404 is not documented for GET /a')));
  });
});

describe('deviationKinds', () => {
  it('summarises deviations per kind in words, an error body apart from a success body, most answers first', () => {
    const d = (id: string, message: string, status: number): CheckResult => ({ ...failed(id, message, 'deviation'), evidence: { status } });
    const kinds = deviationKinds([
      d('contract:POST /a:missing required field name', 'body must have required property \'code\'', 422),
      d('contract:POST /b:wrong type for x', 'body must have required property \'code\'', 400),
      d('contract:PUT /b/{id}:malformed JSON', 'body/detail must be string', 400),
      d('contract:GET /c:valid', 'body/items must be array', 200),
      d('contract:GET /c:no query', 'status 418 is not documented for GET /c (documented: 200)', 418),
      failed('contract:GET /d:valid', 'answered 500: a server error'),
      failed('contract:document', '/paths/~1a/get/parameters/0: must have required property \'schema\'', 'deviation'),
    ]);
    expect(kinds.map((k) => k.summary)).toEqual([
      'error bodies that are not the documented shape: 3 answers on 3 operations',
      'success bodies that are not the documented shape: 1 answer on 1 operation',
      'statuses the document does not list: 1 answer on 1 operation',
      'the document itself breaks the OpenAPI schema',
    ]);
  });
});
