import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import type { Operation } from '../../openapi/operations.ts';
import { uniqueChecks } from './_unique.ts';

/** POST /tags { name, note }: `name` unique by the description, or by a documented 409. */
function createOp(documented: 'description' | '409' | 'none'): Operation {
  const name = documented === 'description' ? { type: 'string', description: 'Unique among the tags' } : { type: 'string' };
  return {
    id: 'POST /tags',
    operationId: undefined,
    method: 'POST',
    path: '/tags',
    parameters: [],
    body: { required: true, media: [{ contentType: 'application/json', schema: { type: 'object', properties: { name, note: { type: 'string' } } } }] },
    responses: [{ status: '201', content: [], requiredHeaders: [], links: [] }, ...(documented === '409' ? [{ status: '409', content: [], requiredHeaders: [], links: [] }] : [])],
    secured: false,
  } as Operation;
}

const json = (status: number, body: unknown): HttpResponse => ({ status, headers: new Headers(), text: JSON.stringify(body), json: body, contentType: 'application/json', ms: 1 });

/** A store of tags: `key` is how the uniqueness check compares, `store` what is kept. */
function server(key: (name: string) => string, store: (name: string) => string, duplicate = 409) {
  const tags: { id: number; name: string }[] = [];
  const sent: HttpRequest[] = [];
  const send = async (r: HttpRequest) => {
    sent.push(r);
    const name = (r.body as { json: { name: string } }).json.name;
    if (tags.some((t) => key(t.name) === key(name))) return json(duplicate, { error: `name "${name}" already exists` });
    const tag = { id: tags.length + 1, name: store(name) };
    tags.push(tag);
    return json(201, tag);
  };
  return { send, sent };
}

async function judge(op: Operation, s: ReturnType<typeof server>) {
  const request: HttpRequest = { method: 'POST', url: 'http://127.0.0.1:1/tags', headers: {}, body: { json: { name: 'Émile', note: 'first' } } };
  return uniqueChecks(op, { request, response: await s.send(request) }, s.send);
}

describe('unique fields', () => {
  it('pass when every variant is refused, or kept apart as the API stores it (case-sensitive names)', async () => {
    const folded = (n: string) => n.trim().normalize('NFC').toLowerCase();
    expect(await judge(createOp('409'), server(folded, (n) => n.trim().normalize('NFC')))).toMatchObject([{ id: 'contract:POST /tags:unique:name', status: 'passed' }]);
    // Case-sensitive: "ÉMILE" is another tag, and that is the API's choice.
    expect(await judge(createOp('description'), server((n) => n.normalize('NFC'), (n) => n.normalize('NFC')))).toMatchObject([{ status: 'passed' }]);
    // The same name in NFD, kept beside the NFC one: two tags that look the same.
    const [nfd] = await judge(createOp('description'), server((n) => n, (n) => n));
    expect(nfd).toMatchObject({ status: 'failed', message: expect.stringMatching(/^"name" sent in Unicode NFD \("[^"]+"\) was accepted \(201\) and stored as "[^"]+": two items now hold the name/) });
  });

  it('find a padded name stored trimmed beside the first, and a duplicate the database answers with 500', async () => {
    const [padded] = await judge(createOp('409'), server((n) => n.toLowerCase(), (n) => n.trim()));
    expect(padded).toMatchObject({ status: 'failed', message: expect.stringMatching(/^"name" sent padded with spaces \(" Émile "\) was accepted \(201\) and stored as "Émile": two items now hold the name/) });
    const [crash] = await judge(createOp('409'), server((n) => n, (n) => n, 500));
    expect(crash).toMatchObject({ status: 'failed', message: expect.stringMatching(/^the same body sent a second time answered 500/) });
  });

  it('learn a unique name from the answer to the same body when the document says nothing', async () => {
    const [learned] = await judge(createOp('none'), server((n) => n.toLowerCase(), (n) => n.trim()));
    expect(learned).toMatchObject({ id: 'contract:POST /tags:unique:name', status: 'failed', message: expect.stringMatching(/^"name" sent padded with spaces/) });
    // No uniqueness at all: one more request (the same body, accepted), and no check.
    const open = server(() => String(Math.random()), (n) => n);
    expect(await judge(createOp('none'), open)).toEqual([]);
    expect(open.sent).toHaveLength(2);
  });
});
