import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../../src/results/types.ts';
import type { ReachRow } from '../../src/results/reach.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * The reach fixture (test/fixtures/reach) is shaped like the public backends Gauntlet did not reach:
 * trailing slashes with redirects and identity by pk/url, nested create with flat item routes and
 * `{"id": n}` answers, a transfer between two of the user's own accounts, an order that needs a cart
 * item first, an admin-only catalogue write, and a field whose rule only its validation error states.
 */
const REACH = fileURLToPath(new URL('../fixtures/reach', import.meta.url));

async function contract(env: Record<string, string> = {}) {
  const reports = await mkdtemp(path.join(os.tmpdir(), 'gauntlet-reach-'));
  const r = await runCli(['run', '--stages', 'contract', '--no-coverage', '--reports', reports], { cwd: REACH, env, timeoutMs: 120_000 });
  const result = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResult;
  const checks = result.stages[0]?.checks ?? [];
  const reach = checks.find((c) => c.id === 'contract:reach');
  const rows = (reach?.evidence as { operations: ReachRow[] } | undefined)?.operations ?? [];
  const row = (op: string) => rows.find((o) => o.operation === op);
  const check = (id: string) => checks.find((c) => c.id === id) as CheckResult;
  return { ...r, result, checks, rows, row, check, reach, summary: await readFile(path.join(reports, 'summary.md'), 'utf8') };
}

describe('reach on an API shaped unlike our examples', () => {
  it('reaches every operation with a 2xx, says how, and passes clean', async () => {
    const r = await contract();
    expect(r.checks.filter((c) => c.status === 'failed')).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.result.stages[0]?.metrics['reach.operations']).toBe(100);
    expect(r.result.gates.find((g) => g.name === 'reach.operations')).toMatchObject({ actual: 100, threshold: 100, passed: true });
    // Every :valid check passed on a 2xx: none was skipped, none passed on a 4xx.
    const valid = r.checks.filter((c) => c.id.endsWith(':valid'));
    expect(valid.length).toBe(22);
    expect(valid.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(valid.every((c) => (c.evidence?.status as number) < 300)).toBe(true);
    // Lists: pages and filters, judged with values the list itself has.
    for (const id of ['contract:GET /products/:pages', 'contract:GET /products/:filter:min_price', 'contract:GET /products/:filter:name', 'contract:GET /products/:sort:sort', 'contract:GET /shops/:pages', 'contract:GET /shops/:filter:name']) expect(r.check(id), id).toMatchObject({ status: 'passed' });
    // Effects: a PATCH that can empty a text, a unique name (a documented 409) that stays unique.
    for (const id of ['contract:PATCH /shops/{id}/:partial-update', 'contract:POST /products/:unique:name', 'contract:POST /shops/:listed']) expect(r.check(id), id).toMatchObject({ status: 'passed' });
    // Trailing slashes, identity by pk and url.
    expect(r.row('GET /shops/{id}/')).toMatchObject({ reached: true, status: 200, as: 'user' });
    expect(r.row('DELETE /shops/{id}/')).toMatchObject({ reached: true, status: 204 });
    // A redirect between the slash forms is followed.
    expect(r.row('GET /accounts')).toMatchObject({ reached: true, tried: ['followed 301 to /accounts/'] });
    // Nested create answered {"id": n}, read and deleted at a flat route.
    expect(r.row('GET /items/{id}')).toMatchObject({ reached: true, status: 200 });
    expect(r.row('DELETE /items/{id}')).toMatchObject({ reached: true });
    // Admin-only write: reached as the configured admin.
    expect(r.row('POST /products/')).toMatchObject({ reached: true, status: 201, as: 'admin' });
    // A body reference pair between two of the user's own accounts: a second account is produced first.
    expect(r.row('POST /transfers/')).toMatchObject({ reached: true, status: 201, after: ['POST /accounts/'] });
    // A reference to the admin's catalogue, and the prerequisite (a cart item before an order).
    expect(r.row('POST /cart/items/')).toMatchObject({ reached: true });
    expect(r.row('POST /orders/')).toMatchObject({ reached: true, status: 201 });
    // A field whose rule only its validation error states (5–10 letters and digits).
    expect(r.row('PATCH /profile/')).toMatchObject({ reached: true, tried: ['with display as the error asks: 200'] });
    // An action refused on the user's own resource (following oneself): aimed at another user, whose email it takes from GET /me/'s own record.
    expect(r.row('POST /members/{email}/follow/')).toMatchObject({ reached: true, status: 201, tried: ["at another user (it refuses the user's own): 201"] });
    // The dependency graph: from the document, and from the answers.
    const edges = (r.reach?.evidence as { dependencies: { edge: string; how: string[] }[] }).dependencies;
    expect(edges).toContainEqual({ edge: 'POST /shops/ → GET /shops/{id}/', how: ['document'] });
    expect(edges).toContainEqual({ edge: 'POST /accounts/ → POST /transfers/', how: ['answer'] });
    expect(r.summary).toMatch(/## Reach: 22 of 22 operations/);
    expect(r.stdout).toMatch(/reach 22\/22 operations/);
  }, 150_000);

  it('catches a 500 behind each of them, in its own :valid check', async () => {
    const flaws: Record<string, string> = {
      'shop-read-500': 'contract:GET /shops/{id}/:valid',
      'item-read-500': 'contract:GET /items/{id}:valid',
      'transfer-500': 'contract:POST /transfers/:valid',
      'product-create-500': 'contract:POST /products/:valid',
      'profile-500': 'contract:PATCH /profile/:valid',
      'follow-500': 'contract:POST /members/{email}/follow/:valid',
    };
    const r = await contract({ REACH_FLAWS: Object.keys(flaws).join(',') });
    expect(r.code).toBe(1);
    for (const id of Object.values(flaws)) expect(r.check(id), id).toMatchObject({ status: 'failed', message: expect.stringMatching(/answered 500: a server error/) });
    // The order needs a product the failing catalogue write never made: its own run.
    const order = await contract({ REACH_FLAWS: 'order-500' });
    expect(order.check('contract:POST /orders/:valid')).toMatchObject({ status: 'failed', message: expect.stringMatching(/answered 500/) });
    expect(order.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['contract:POST /orders/:valid']);
  }, 150_000);

  it('finds a password hash in an answer that is otherwise as documented', async () => {
    const r = await contract({ REACH_FLAWS: 'profile-hash' });
    expect(r.check('contract:PATCH /profile/:exposure')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^the answer exposes a password hash \(bcrypt: \$2b\$12\$Ab3\.\/…\(60 characters\)\)/) });
    expect(r.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['contract:PATCH /profile/:exposure']);
    // Masked wherever it is reported.
    expect(JSON.stringify(r.result)).not.toContain('Ab3./Ab3./Ab3./');
  }, 150_000);

  it('judges a delete by its effect: gone from its GET and from the list', async () => {
    const clean = await contract();
    expect(clean.check('contract:DELETE /shops/{id}/:deleted')).toMatchObject({ status: 'passed' });
    expect(clean.check('contract:DELETE /items/{id}:deleted')).toMatchObject({ status: 'passed' });
    const soft = await contract({ REACH_FLAWS: 'shop-delete-soft' });
    expect(soft.check('contract:DELETE /shops/{id}/:deleted')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^GET \/shops\/ still lists it \(200\) after DELETE \/shops\/\d+\/ answered 204/) });
    expect(soft.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['contract:DELETE /shops/{id}/:deleted']);
    // Only the filtered list forgot the deleted mark: the list is read with the item's own name too.
    const filtered = await contract({ REACH_FLAWS: 'deleted-in-filtered-list' });
    expect(filtered.check('contract:DELETE /shops/{id}/:deleted')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^GET \/shops\/\?name=[^\n]+ still lists it \(200\) after DELETE \/shops\/\d+\/ answered 204\nreproduce:/) });
    expect(filtered.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['contract:DELETE /shops/{id}/:deleted']);
  }, 150_000);

  it('reads back what a write sent: a name cut short is a finding of its own', async () => {
    const r = await contract({ REACH_FLAWS: 'shop-name-cut,note-empty-ignored' });
    expect(r.check('contract:POST /shops/:read-your-writes')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^"name" was sent with (\d+) characters and reads back with \d+: the text was cut short/) });
    expect(r.check('contract:POST /accounts/:read-your-writes')).toMatchObject({ status: 'passed' });
    // The list shows the same cut name: the item as its collection lists it is judged too.
    expect(r.check('contract:POST /shops/:listed')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^in GET \/shops\/: "name" was sent with \d+ characters and reads back with \d+: the text was cut short/) });
    // A PATCH that cannot empty a text (`note || old`): the word set first stays.
    expect(r.check('contract:PATCH /shops/{id}/:partial-update')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^PATCH \{"note":""\} answered 200, but "note" was sent as "" and reads back as "Gauntlet": an empty value was ignored\nreproduce: curl -i -X PATCH/) });
    expect(r.checks.filter((c) => c.status === 'failed').map((c) => c.id).sort()).toEqual(['contract:PATCH /shops/{id}/:partial-update', 'contract:POST /shops/:listed', 'contract:POST /shops/:read-your-writes']);
  }, 150_000);

  it('refuses as a form what it refuses as JSON: a form that skips the validation is a finding', async () => {
    const r = await contract({ REACH_FLAWS: 'form-skips-validation' });
    expect(r.check('contract:POST /lists/:content-type')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^without "title" the body is refused as JSON \(400\) but accepted as a form \(200\): another content type skips the validation/) });
    expect(r.check('contract:POST /shops/:content-type')).toMatchObject({ status: 'passed' });
    expect(r.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['contract:POST /lists/:content-type']);
    // The same for multipart/form-data; and, in the same run, a unique name whose check compares it as sent while the store trims it.
    const multipart = await contract({ REACH_FLAWS: 'multipart-skips-validation,name-taken-check-padded' });
    expect(multipart.check('contract:POST /lists/:content-type')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^without "title" the body is refused as JSON \(400\) but accepted as multipart \(200\): another content type skips the validation\nreproduce: curl -i -X POST '[^']*\/lists\/'[^\n]*multipart\/form-data; boundary=/) });
    expect(multipart.check('contract:POST /products/:unique:name')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^"name" sent padded with spaces \(" [^"]+ "\) was accepted \(201\) and stored as "[^"]+": two items now hold the name the first create took, which the same value sent as is was refused for \(409\)\nfirst: curl[^\n]*\nreproduce: curl -i -X POST '[^']*\/products\/'/) });
    expect(multipart.checks.filter((c) => c.status === 'failed').map((c) => c.id).sort()).toEqual(['contract:POST /lists/:content-type', 'contract:POST /products/:unique:name']);
  }, 150_000);

  it('pages, filters and sorts a list with values its items have: overlapping pages, an ignored filter and a wrong order are findings', async () => {
    const r = await contract({ REACH_FLAWS: 'pages-overlap,price-filter-ignored,sort-desc-ignored,cursor-repeats-last' });
    // Cursor pages (a whole next URL, as DRF gives it): each starts at the last item of the one before.
    expect(r.check('contract:GET /shops/:pages')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^the item \d+ is on page 1 and again on page 2: the pages overlap\n/) });
    expect(r.check('contract:GET /products/:pages')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^the item \d+ is on page 1 and again on page 2: the pages overlap\n/) });
    expect(r.check('contract:GET /products/:filter:min_price')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^min_price=\d+ answered \d+ of \d+ items whose price is below it \([\d., ]+\): the filter was ignored\nreproduce: curl -i -X GET '[^']*\/products\/\?min_price=\d+'/) });
    expect(r.check('contract:GET /products/:filter:name')).toMatchObject({ status: 'passed' });
    expect(r.check('contract:GET /products/:sort:sort')).toMatchObject({ status: 'failed', severity: 'bug', message: expect.stringMatching(/^sort=-price answered price in the order (\d+(\.\d+)?, )+[^\n]*: not descending\nreproduce: curl -i -X GET '[^']*\/products\/\?sort=-price'/) });
    expect(r.checks.filter((c) => c.status === 'failed').map((c) => c.id).sort()).toEqual(['contract:GET /products/:filter:min_price', 'contract:GET /products/:pages', 'contract:GET /products/:sort:sort', 'contract:GET /shops/:pages']);
  }, 150_000);

  it('says unreached, with what would fix it, and fails gates.reach when an identity is missing; an invalid document file is tested with allowInvalid', async () => {
    const r = await contract({ REACH_NO_ADMIN: '1', REACH_INVALID_DOC: '1' });
    // target.openapi { file, allowInvalid, basePath } from gauntlet.config.ts reaches the stage.
    expect(r.check('contract:document')).toMatchObject({ status: 'failed', message: expect.stringMatching(/must have required property 'schema'/) });
    const products = r.check('contract:POST /products/:valid');
    expect(products).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^unreached: a valid request answered 403/), evidence: expect.objectContaining({ unreached: true, status: 403 }) });
    expect(r.row('POST /products/')).toMatchObject({ reached: false, status: 403, fix: expect.stringMatching(/stages\.security\.admin\.credentials/) });
    expect(r.result.gates.find((g) => g.name === 'reach.operations')).toMatchObject({ passed: false, threshold: 100 });
    expect(r.result.stages[0]?.metrics['reach.operations']).toBeLessThan(100);
    expect(r.code).toBe(1);
  }, 150_000);
});
