import { curl, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import { isObject, listItems } from '../../openapi/identity.ts';
import type { Operation, Parameter } from '../../openapi/operations.ts';
import type { CheckResult } from '../../results/types.ts';

/**
 * Documented sort orders hold (issue #26's third property): a sort parameter whose values the
 * document enumerates (`sort: [name, -name, created_at_desc]`) is sent with each value, and the
 * list must come back in that order of that field, where the items show it. Only enumerated values:
 * an ordering field the document does not name may be ignored by design (DRF drops unknown ones).
 * Strings are in order when any of the usual collations (code points, case-insensitive, a locale's
 * own) puts them so: a database's collation is not JavaScript's. `contract:<op>:sort:<param>`.
 */
export async function sortChecks(op: Operation, items: Record<string, unknown>[], read: (params: Record<string, string>) => Promise<{ request: HttpRequest; response: HttpResponse }>): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const p of op.parameters.filter((q) => q.in === 'query' && !q.required && SORT.test(q.name))) {
    const values = enumOf(p);
    if (values.length === 0) continue;
    const problems: string[] = [];
    let failing: { request: HttpRequest; response: HttpResponse } | undefined;
    let judged = 0;
    for (const value of values.slice(0, 6)) {
      const { field, descending } = parse(value);
      const key = fieldIn(items, field);
      if (!key) continue;
      const { request, response } = await read({ [p.name]: value });
      const got = listItems(response.json)?.filter(isObject);
      if (response.status >= 300 || !got || got.length < 2) continue;
      const seen = got.map((i) => i[key]).filter((v) => v !== null && v !== undefined);
      if (new Set(seen.map(String)).size < 2) continue; // one value: any order holds
      judged += 1;
      if (inOrder(seen, descending)) continue;
      problems.push(`${p.name}=${value} answered ${key} in the order ${seen.slice(0, 6).map((v) => JSON.stringify(v)).join(', ')}${seen.length > 6 ? ', …' : ''}: not ${descending ? 'descending' : 'ascending'}`);
      failing ??= { request, response };
    }
    if (judged === 0) continue;
    const id = `contract:${op.id}:sort:${p.name}`;
    const title = `${op.id}?${p.name}=… sorts the list as its documented values say`;
    if (!failing) checks.push({ id, stage: 'contract', title, status: 'passed' });
    else checks.push({ id, stage: 'contract', title, status: 'failed', message: [...problems, `reproduce: ${curl(failing.request)}`, `response: ${failing.response.status} ${failing.response.text.slice(0, 300)}`].join('\n'), evidence: { request: curl(failing.request), status: failing.response.status } });
  }
  return checks;
}

const SORT = /^(sort|order|order_?by|ordering|sort_?by)$/i;

function enumOf(p: Parameter): string[] {
  const schema = p.schema as { enum?: unknown[]; items?: { enum?: unknown[] } } | undefined;
  return (schema?.enum ?? schema?.items?.enum ?? []).filter((v): v is string => typeof v === 'string');
}

/** `-name`, `name:desc`, `name_desc`, `name.asc` → the field and its direction. */
function parse(value: string): { field: string; descending: boolean } {
  const suffix = /^(.+?)[_:.\s,](asc|desc)(ending)?$/i.exec(value);
  if (suffix) return { field: suffix[1] as string, descending: (suffix[2] as string).toLowerCase() === 'desc' };
  return value.startsWith('-') ? { field: value.slice(1), descending: true } : { field: value.replace(/^\+/, ''), descending: false };
}

function fieldIn(items: Record<string, unknown>[], field: string): string | undefined {
  const flat = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  return [...new Set(items.flatMap((i) => Object.keys(i)))].find((k) => flat(k) === flat(field));
}

const number = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** In order under numbers (and instants), or under any of the usual string collations. */
function inOrder(values: unknown[], descending: boolean): boolean {
  const sign = descending ? -1 : 1;
  const sorted = (compare: (a: unknown, b: unknown) => number) => values.every((v, i) => i === 0 || sign * compare(values[i - 1], v) <= 0);
  if (values.every((v) => number(v) !== undefined)) return sorted((a, b) => (number(a) as number) - (number(b) as number));
  const text = (v: unknown) => String(v);
  return [
    (a: unknown, b: unknown) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0),
    (a: unknown, b: unknown) => text(a).localeCompare(text(b), 'en', { sensitivity: 'base' }),
    (a: unknown, b: unknown) => text(a).localeCompare(text(b), 'en', { sensitivity: 'base', ignorePunctuation: true, numeric: true }),
  ].some(sorted);
}
