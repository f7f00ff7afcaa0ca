import { execFile } from 'node:child_process';
import type { CommandSpec } from '../config/schema/common.ts';
import type { Credentials } from './session.ts';
import { AuthFlowError } from './session.ts';

/**
 * Users made by a command (`target.auth.createUser`), for backends without a sign-up route: Django's
 * `manage.py createsuperuser`, a Rails runner, a SQL insert. The command runs in the target's env and
 * database (set once the target's database exists: setUserCommandEnv), with the credentials filled in.
 */
let commandEnv: NodeJS.ProcessEnv | undefined;

/** The env a user command runs with: the target's own, with its database (provision/stack.ts). */
export function setUserCommandEnv(env: NodeJS.ProcessEnv | undefined): void {
  commandEnv = env;
}

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

function fill(text: string, credentials: Credentials, quote: (s: string) => string): string {
  const values: Record<string, string | undefined> = { ...credentials };
  return text.replace(/'?\{\{(\w+)\}\}'?/g, (whole, key: string) => (values[key] === undefined ? whole : quote(values[key] as string)));
}

/** Runs the command for these credentials; its output (stdout and stderr), for a token in it. */
export function runUserCommand(spec: CommandSpec, credentials: Credentials): Promise<string> {
  const argv = typeof spec.command === 'string' ? ['sh', '-c', fill(spec.command, credentials, shellQuote)] : spec.command.map((a) => fill(a, credentials, (s) => s));
  return new Promise((resolve, reject) => {
    execFile(argv[0] as string, argv.slice(1), { cwd: spec.cwd, env: { ...(commandEnv ?? process.env), ...spec.env }, timeout: spec.timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new AuthFlowError(`target.auth.createUser failed (${error.code ?? error.signal ?? error.message}) for ${credentials.username ?? credentials.email}: ${`${stderr}${stdout}`.trim().split('\n').slice(-5).join(' | ').slice(0, 600)}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}
