import type pg from 'pg';
import { databaseUrlEnv, withDatabaseParts } from '../../../database/database-manager.ts';
import { runCommand } from '../../../process/managed-process.ts';
import { loadDocument } from '../../../openapi/document.ts';
import { basePathOf, listOperations, type Operation } from '../../../openapi/operations.ts';
import { buildRequest, ResourceStore } from '../../../openapi/plan.ts';
import { createSession } from '../../../http/session.ts';
import { send } from '../../../http/send.ts';
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
 * requests at a time, the operations in turn (a later one's path takes what an earlier one made,
 * through the contract stage's resource model), until the tables hold `rows` rows or the time is up.
 * A round in which every request was refused stops it, naming the answer.
 */
export async function seedThroughApi(context: StageContext, spec: ApiSeed, tables: string[], client: pg.Client, label: string, from: number, rows: number, seed: number, count: () => Promise<number>): Promise<void> {
  const { config, target } = context;
  if (!config.target.openapi) throw new SeedError('seeding through the API needs target.openapi (the create operations are read from the document): set it, or seed with a command');
  const document = await loadDocument(config.target.openapi, target.url);
  const all = listOperations(document.doc, basePathOf(document.doc, config.target.openapi.basePath));
  const operations = spec.operations.map((id) => all.find((op) => op.id === id) ?? id);
  const unknown = operations.filter((op): op is string => typeof op === 'string');
  if (unknown.length) throw new SeedError(`stages.load.volume.seed.operations names ${unknown.join(', ')}, which the OpenAPI document does not have: use "METHOD /path" as the document spells it`);
  const sessions = config.target.auth ? await Promise.all(Array.from({ length: spec.users }, (_, i) => createSession(config.target.auth!, target.url, seed + 7_000 + i, { label: `volume${i}` }).then((s) => s.headers))) : [{}];
  const stores = sessions.map(() => new ResourceStore());
  const bar = progressBar(label, from, rows);
  const deadline = Date.now() + spec.timeoutMs;
  let now = from;
  let sent = 0;
  while (now < rows) {
    if (Date.now() > deadline) throw new SeedError(`seeding through the API reached ${now} of ${rows} rows in ${spec.timeoutMs} ms: raise seed.timeoutMs, lower the sizes, or seed with a command`);
    const round = await Promise.all(
      Array.from({ length: spec.concurrency }, async (_, i) => {
        const n = sent + i;
        const user = n % sessions.length;
        const op = operations[Math.floor(n / sessions.length) % operations.length] as Operation;
        const { request } = buildRequest(op, target.url, stores[user] as ResourceStore, sessions[user] as Record<string, string>, seed + n);
        const response = await send(request).catch((error: unknown) => ({ status: 0, text: (error as Error).message }) as const);
        if (response.status >= 200 && response.status < 300 && 'headers' in response) (stores[user] as ResourceStore).remember(op, response, request);
        return { op, status: response.status, text: response.text };
      }),
    );
    sent += spec.concurrency;
    const refused = round.filter((r) => r.status < 200 || r.status >= 300);
    if (refused.length === round.length) {
      const first = refused[0] as (typeof refused)[number];
      throw new SeedError(`seeding through the API stopped: every request of a round was refused; ${first.op.id} answered ${first.status}: ${first.text.slice(0, 200)}`);
    }
    now = await count();
    bar.update(now);
  }
  bar.done(now);
}
