import { access, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { defineCommand } from 'citty';
import { GauntletError } from '../../errors/gauntlet-error.ts';
import { infer } from '../../init/infer.ts';
import { applyObserved, observeTarget, type Observed } from '../../init/observe-target.ts';
import { readDocumentFromTarget, withEitherScheme } from '../../init/read-from-target.ts';
import { renderConfig, type InitAnswers } from '../../init/render.ts';
import { loadDocument, type LoadedDocument } from '../../openapi/document.ts';

/** The lightest entry: a config that imports only defineConfig loads wherever it lives (ESM or CommonJS). */
const ENGINE_ENTRY = fileURLToPath(new URL(`../../config/define-config.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));

function parseInitEnv(value: string | undefined): 'auto' | 'native' | 'testcontainers' {
  if (value === undefined || value === 'auto' || value === 'native' || value === 'testcontainers') return value ?? 'auto';
  throw new GauntletError('GAUNTLET_USAGE', `--env ${value} is not an environment init can start.`, { fix: 'Use auto, native or testcontainers.' });
}

/** Every value of a repeatable flag (`--target-env A=1 --target-env B=2`, or `--target-env=A=1`): the parser keeps only the last. */
export function repeated(rawArgs: string[], flag: string): string[] {
  const values: string[] = [];
  rawArgs.forEach((arg, i) => {
    if (arg === flag && rawArgs[i + 1] !== undefined) values.push(rawArgs[i + 1] as string);
    else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
  });
  return values;
}

function keyValues(values: string[], flag: string): Record<string, string> {
  return Object.fromEntries(
    values.map((v) => {
      const at = v.indexOf('=');
      if (at <= 0) throw new GauntletError('GAUNTLET_USAGE', `${flag} ${v} is not NAME=VALUE.`, { fix: `Pass e.g. ${flag} NODE_ENV=test (repeat the flag for more).` });
      return [v.slice(0, at), v.slice(at + 1)];
    }),
  );
}

function parseUpstream(value: string, outDir: string): InitAnswers['upstreams'][number] {
  const match = /^([\w-]+)=(.+)@([A-Z_][A-Z0-9_]*)$/.exec(value);
  if (!match) throw new GauntletError('GAUNTLET_USAGE', `--upstream ${value} is not NAME=HANDLERS_FILE@ENV_VAR.`, { fix: 'Pass e.g. --upstream llm=mocks/handlers.ts@LLM_BASE_URL (msw handlers served on loopback; the target gets the URL in ENV_VAR).' });
  return { name: match[1] as string, handlers: relative(outDir, path.resolve(match[2] as string)), env: match[3] as string };
}

const relative = (from: string, to: string) => {
  const r = path.relative(from, to) || '.';
  return r.startsWith('.') ? r : `./${r}`;
};

/**
 * `gauntlet/config` when the written config can import the package by name, else a path to this
 * engine's (a checkout of Gauntlet beside the project), or nothing when the engine is in npx's cache.
 */
export function importFrom(outFile: string, engineEntry = ENGINE_ENTRY): string | undefined {
  try {
    createRequire(outFile).resolve('gauntlet/config');
    return 'gauntlet/config';
  } catch {
    return engineEntry.split(path.sep).includes('_npx') ? undefined : relative(path.dirname(outFile), engineEntry);
  }
}

async function ask(question: string, fallback?: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return fallback;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await rl.question(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim();
    return answer || fallback;
  } finally {
    rl.close();
  }
}

/**
 * `gauntlet init`: reads the target's OpenAPI document (from the running target or a file), infers
 * the auth flow and the rest, and writes a commented gauntlet.config.ts. Flags answer the questions;
 * in a terminal, what is missing is asked.
 */
export const initCommand = defineCommand({
  meta: { name: 'init', description: "Write a commented gauntlet.config.ts from the target's OpenAPI document" },
  args: {
    openapi: { type: 'string', description: 'OpenAPI document: a path (/openapi.json: init starts the target to read it), a URL of a running target, or a file' },
    start: { type: 'string', description: 'Command that starts the target (it reads PORT, DATABASE_URL, REDIS_URL)' },
    cwd: { type: 'string', description: 'Directory to start it in (default: .)' },
    migrate: { type: 'string', description: 'Migrate command (run against a template database)' },
    'target-env': { type: 'string', description: 'NAME=VALUE the target needs (repeatable)' },
    upstream: { type: 'string', description: 'NAME=HANDLERS_FILE@ENV_VAR: msw handlers for an upstream API (repeatable)' },
    name: { type: 'string', description: "The target's name (default: the document's title)" },
    out: { type: 'string', description: 'Where to write (default: gauntlet.config.ts)' },
    force: { type: 'boolean', description: 'Overwrite an existing file' },
    env: { type: 'string', description: 'Environment to start the target on when --openapi is a path: auto|native|testcontainers (default auto)' },
  },
  async run({ args, rawArgs }) {
    const out = path.resolve(args.out ?? 'gauntlet.config.ts');
    const outDir = path.dirname(out);
    if (!args.force && (await access(out).then(() => true, () => false))) {
      throw new GauntletError('GAUNTLET_USAGE', `${out} exists.`, { fix: 'Pass --force to overwrite it, or --out another file.' });
    }
    const openapi = args.openapi ?? (await ask('OpenAPI document: a path on the target (init starts it), a URL, or a file', '/openapi.json'));
    const start = args.start ?? (await ask('Command that starts the target (it must read PORT, DATABASE_URL and REDIS_URL)'));
    if (!openapi || !start) {
      throw new GauntletError('GAUNTLET_USAGE', `gauntlet init needs ${[!openapi && '--openapi', !start && '--start'].filter(Boolean).join(' and ')}.`, {
        fix: 'Pass them as flags, e.g. gauntlet init --openapi /openapi.json --start "uvicorn app.main:app --port $PORT" --cwd ../my-api, or run it in a terminal to be asked.',
      });
    }
    const isUrl = /^https?:\/\//.test(openapi);
    const env = keyValues(repeated(rawArgs, '--target-env'), '--target-env');
    const upstreams = repeated(rawArgs, '--upstream').map((u) => parseUpstream(u, outDir));
    // A path on the target (/openapi.json) unless a file is there: an absolute path to a document is a file.
    const onTarget = openapi.startsWith('/') && !(await access(openapi).then(() => true, () => false));
    const cwd = relative(outDir, path.resolve(args.cwd ?? '.'));
    // A path (/openapi.json): init starts the target itself, on a fresh environment, to read it.
    const spec = { kind: parseInitEnv(args.env), start, cwd, ...(args.migrate ? { migrate: args.migrate } : {}), env, upstreams, configFile: out };
    let observed: Observed | undefined;
    let databaseScheme: string | undefined;
    let loaded: LoadedDocument;
    if (onTarget) {
      const read = await readDocumentFromTarget({ ...spec, openapiPath: openapi }, (url, { doc }) => observeTarget(url, doc, infer(doc), openapi));
      databaseScheme = read.databaseScheme;
      process.stdout.write(`init started the target to read its document; its log and the services' are in ${read.logDir}\n`);
      ({ observed } = read);
      loaded = read;
    } else {
      loaded = await loadDocument(isUrl ? { url: openapi, allowInvalid: true } : { file: path.resolve(openapi), allowInvalid: true }, isUrl ? new URL(openapi).origin : 'http://127.0.0.1');
      if (!isUrl) {
        // A document in a file: the target is still started once, to check the health path and the auth flow against it.
        const doc = loaded.doc;
        observed = await withEitherScheme(spec, (url) => observeTarget(url, doc, infer(doc), undefined)).then(
          (o) => {
            process.stdout.write(`init started the target to check its health path and auth flow; its log and the services' are in ${o.logDir}\n`);
            databaseScheme = o.databaseScheme;
            return o;
          },
          (error: Error) => ({ notes: [`init could not start the target to check the health path and the auth flow (${error.message.split('\n')[0]}): they are inferred from the document alone`] }),
        );
      }
    }
    const { doc, problems } = loaded;
    // What the started target showed corrects what the document suggested.
    const inferred = observed ? applyObserved(infer(doc), observed) : infer(doc);
    if (problems.length) inferred.notes.push(`the document breaks the OpenAPI schema in ${problems.length} place(s) (first: ${problems[0]}): a run stops on that (exit 2) until the document is fixed, or target.openapi.allowInvalid is set to test against it anyway`);
    const answers: InitAnswers = {
      importFrom: importFrom(out),
      // Never empty: a title of only other characters ("ユーザーAPI") falls back to the directory's name, then 'target'.
      name: args.name ?? ([inferred.title, path.basename(path.resolve(args.cwd ?? '.'))].map((t) => t.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')).find((n) => n.length > 0) ?? 'target'),
      start,
      cwd,
      ...(args.migrate ? { migrate: args.migrate } : {}),
      env,
      openapi: isUrl ? { url: new URL(openapi).pathname } : onTarget ? { url: openapi } : { file: relative(outDir, path.resolve(openapi)) },
      ...(databaseScheme ? { databaseScheme } : {}),
      upstreams,
    };
    await mkdir(outDir, { recursive: true });
    await writeFile(out, renderConfig(inferred, answers));
    const found = [inferred.login && 'the auth flow', inferred.refresh && 'refresh', inferred.logout && 'logout', inferred.deleteAccount && 'account deletion', inferred.header && `the ${inferred.header.scheme || inferred.header.name} header`].filter(Boolean);
    process.stdout.write(`wrote ${path.relative(process.cwd(), out) || out}: ${inferred.operations} operations${found.length ? `; inferred ${found.join(', ')}` : ''}.\n`);
    for (const note of inferred.notes) process.stdout.write(`  to check: ${note}\n`);
    process.stdout.write(`next: npx gauntlet run --config ${path.relative(process.cwd(), out) || out} --stages contract\n`);
  },
});
