import type pg from 'pg';
import { databaseUrlEnv, withDatabaseParts } from '../../../database/database-manager.ts';
import { runCommand } from '../../../process/managed-process.ts';
import { loadDocument } from '../../../openapi/document.ts';
import { basePathOf, listOperations, type Operation } from '../../../openapi/operations.ts';
import { buildRequest, ResourceStore } from '../../../openapi/plan.ts';
import { createSession, identityFields } from '../../../http/session.ts';
import { trimSlash } from '../../../openapi/identity.ts';
import { send, type HttpRequest } from '../../../http/send.ts';
import { withCurrentReferences } from '../../../openapi/learned.ts';
import { reachOperation, type Way } from '../../contract/_reach.ts';
import { withWay } from '../../contract/_way.ts';
import type { StageContext } from '../../types.ts';
import { liveRows } from './table-rows.ts';
import { progressBar } from './progress.ts';

type Volume = NonNullable<NonNullable<StageContext['config']['stages']['load']>['volume']>;
export type CommandSeed = Extract<Volume['seed'], { command: unknown }>;
export type ApiSeed = Extract<Volume['seed'], { operations: unknown }>;

/** Why a size could not be seeded, in words for the check's message. */
export class SeedError extends Error {}

/**
 * Grows the data to `rows` rows of the volume's tables with the configured command. It gets the
 * target's database URL (as the migrate command does) and GAUNTLET_VOLUME_ROWS; the progress bar
 * reads the tables' live rows meanwhile.
 */
export async function seedWithCommand(context: StageContext, spec: CommandSeed, tables: string[], client: pg.Client, label: string, from: number, rows: number, seed: number): Promise<void> {
  const url = context.gauntlet.databaseUrl;
  const bar = progressBar(label, from, rows);
  const timer = setInterval(() => void liveRows(client, tables).then((n) => bar.update(n), () => undefined), 1_000);
  try {
    await runCommand({
      name: 'volume-seed',
      what: 'The volume seed command',
      command: spec.command,
      cwd: spec.cwd,
      env: { ...process.env, ...withDatabaseParts(spec.env, url), ...databaseUrlEnv(context.config.target.env, url), DATABASE_URL: url, GAUNTLET_VOLUME_ROWS: String(rows), GAUNTLET_VOLUME_SEED: String(seed), GAUNTLET_VOLUME_TABLES: tables.join(',') },
      timeoutMs: spec.timeoutMs,
    });
  } catch (error) {
    throw new SeedError(`${(error as Error).message}\n${((error as { detail?: string[] }).detail ?? []).join('\n')}`);
  } finally {
    clearInterval(timer);
    bar.done(await liveRows(client, tables).catch(() => from));
  }
}

/**
 * Grows the data through the API's own create operations: `users` signed-up users, `concurrency`
 * requests at a time. The operations are in order: all but the last are made once per user (what the
 * last needs: an account for its transactions, a list for its items), the last repeats until the
 * tables hold `rows` rows or the time is up. Bodies and paths come from the contract stage's resource
 * model, so a later operation takes the ids an earlier one made. A round in which every request was
 * refused stops it, naming the answer.
 */
export function apiSeeder(context: StageContext, spec: ApiSeed, tables: string[], seed: number): { grow(label: string, from: number, rows: number, count: () => Promise<number>): Promise<void> } {
  let ready: Promise<(label: string, from: number, rows: number, count: () => Promise<number>) => Promise<void>> | undefined;
  return {
    grow: async (label, from, rows, count) => {
      ready ??= prepareApiSeeding(context, spec, tables, seed);
      await (await ready)(label, from, rows, count);
    },
  };
}

/** The users, their resource stores and the prerequisites, made once: every size grows from them. */
async function prepareApiSeeding(context: StageContext, spec: ApiSeed, tables: string[], seed: number): Promise<(label: string, from: number, rows: number, count: () => Promise<number>) => Promise<void>> {
  const { config, target } = context;
  if (!config.target.openapi) throw new SeedError('seeding through the API needs target.openapi (the create operations are read from the document): set it, or seed with a command');
  const document = await loadDocument(config.target.openapi, target.url);
  const all = listOperations(document.doc, basePathOf(document.doc, config.target.openapi.basePath));
  const operations = spec.operations.map((id) => all.find((op) => op.id === id || trimSlash(op.id) === trimSlash(id)) ?? id);
  const unknown = operations.filter((op): op is string => typeof op === 'string');
  if (unknown.length) throw new SeedError(`stages.load.volume.seed.operations names ${unknown.join(', ')}, which the OpenAPI document does not have: use "METHOD /path" as the document spells it`);
  const ops = operations as Operation[];
  const repeated = ops.at(-1) as Operation;
  const users = await Promise.all(
    Array.from({ length: config.target.auth ? spec.users : 1 }, async (_, i) => {
      const session = config.target.auth ? await createSession(config.target.auth, target.url, seed + 7_000 + i, { label: `volume${i}` }) : undefined;
      const store = new ResourceStore();
      store.self = session?.userId;
      if (session) store.identity = identityFields(session);
      return { headers: session?.headers ?? {}, store };
    }),
  );
  // How each operation is reached (fields a validation error asked for, producers), learned once, as the contract stage does.
  const ways = new Map<string, Way>();
  let sent = 0;
  const requestFor = (op: Operation, user: (typeof users)[number], way: Way | undefined, n = sent++) => {
    const { request } = buildRequest(op, target.url, user.store, user.headers, seed + n);
    return way ? withWay(request, { ...way, fields: withCurrentReferences(op, way.fields, user.store) }, user.headers, undefined) : request;
  };
  const exchange = async (op: Operation, user: (typeof users)[number], request: HttpRequest) => {
    const response = await send(request).catch((error: unknown) => ({ status: 0, text: (error as Error).message }) as const);
    if (response.status >= 200 && response.status < 300 && 'headers' in response) user.store.remember(op, response, request);
    return response;
  };
  // The repeated create's answers are not remembered: nothing later needs them, and a store of a hundred thousand would slow every request it builds.
  const create = async (op: Operation, user: (typeof users)[number]) => {
    const response = await send(requestFor(op, user, ways.get(op.id))).catch((error: unknown) => ({ status: 0, text: (error as Error).message }) as const);
    return { op, status: response.status, text: response.text };
  };
  /** The first create of an operation for a user: refused with a 4xx, it is reached as the contract stage reaches it, and the way kept. */
  const reach = async (op: Operation, user: (typeof users)[number]) => {
    const way: Way = ways.get(op.id) ?? { as: 'user', fields: {}, after: [] };
    const request = requestFor(op, user, way);
    const response = await exchange(op, user, request);
    if (!('headers' in response) || response.status < 400 || response.status >= 500) return { op, status: response.status, text: response.text };
    const attempt = await reachOperation(op, { request, response, way, tried: [] }, {
      build: (o, w, n) => requestFor(o, user, w, 50_000 + n),
      send: async (r) => {
        const answer = await exchange(op, user, r);
        return 'headers' in answer ? answer : Promise.reject(new Error(answer.text));
      },
      hasUser: Object.keys(user.headers).length > 0,
      hasAdmin: false,
      produce: async (producer) => {
        const answer = await exchange(producer, user, requestFor(producer, user, ways.get(producer.id)));
        return answer.status >= 200 && answer.status < 300;
      },
      reference: (field) => user.store.reference(field),
    }, all, new Set());
    if (attempt.response.status >= 200 && attempt.response.status < 300) ways.set(op.id, attempt.way);
    return { op, status: attempt.response.status, text: attempt.response.text };
  };
  const refusal = (r: { op: Operation; status: number; text: string }) => `${r.op.id} answered ${r.status}: ${r.text.slice(0, 200)}`;
  // What the repeated create needs, once per user; then the repeated one's first, reached the same way.
  for (const op of ops) {
    for (const user of users) {
      const r = await reach(op, user);
      if (r.status < 200 || r.status >= 300) throw new SeedError(`seeding through the API could not ${op === repeated ? 'create' : `make what ${repeated.id} needs:`} ${refusal(r)}`);
    }
  }
  return async (label, from, rows, count) => {
    const bar = progressBar(label, from, rows);
    const deadline = Date.now() + spec.timeoutMs;
    let now = from;
    while (now < rows) {
      if (Date.now() > deadline) throw new SeedError(`seeding through the API reached ${now} of ${rows} rows in ${spec.timeoutMs} ms: raise seed.timeoutMs, lower the sizes, or seed with a command`);
      const round = await Promise.all(Array.from({ length: spec.concurrency }, (_, i) => create(repeated, users[(sent + i) % users.length] as (typeof users)[number])));
      const refused = round.filter((r) => r.status < 200 || r.status >= 300);
      if (refused.length === round.length) throw new SeedError(`seeding through the API stopped: every request of a round was refused; ${refusal(refused[0] as (typeof refused)[number])}`);
      const before = now;
      now = await count();
      bar.update(now);
      if (now === before) throw new SeedError(`seeding through the API stopped: ${round.length - refused.length} requests of ${repeated.id} were answered 2xx but ${tables.join(', ')} did not grow: name the tables that operation writes in stages.load.volume.tables`);
    }
    bar.done(now);
  };
}
