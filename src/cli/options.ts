import type { ArgsDef } from 'citty';
import { GauntletError } from '../errors/gauntlet-error.ts';

/**
 * Refuses what a command does not take (issue #27): citty ignores an unknown option, so
 * `gauntlet run --stage contract` ran every stage. Each `--name`, `--name=value`, `--no-name` and
 * `-x` must be one of the command's arguments (in its own spelling, kebab-case or camelCase), and a
 * word that is no argument is refused too; the message names the nearest valid option. A string
 * option's next word is its value. Exit 2, like every usage error.
 */
export function checkOptions(command: { meta?: unknown; args?: unknown }, argv: string[], words: number): void {
  const defs = (typeof command.args === 'object' && command.args ? command.args : {}) as ArgsDef;
  const name = `gauntlet ${argv.slice(0, words).join(' ')}`;
  const known = new Map<string, ArgsDef[string]>();
  for (const [key, def] of Object.entries(defs)) {
    if (def.type === 'positional') continue;
    for (const spelling of new Set([key, kebab(key), camel(key)])) {
      known.set(spelling, def);
      if (def.type === 'boolean') known.set(`no-${spelling}`, def);
    }
    const alias = 'alias' in def ? def.alias : undefined;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) known.set(a, def);
  }
  const positionals = Object.values(defs).filter((d) => d.type === 'positional').length;
  let seenPositionals = 0;
  for (let i = words; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') break;
    if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
      const option = token.replace(/^--?/, '').split('=')[0] as string;
      const def = known.get(option);
      if (!def) {
        const nearest = closest(option, [...known.keys()].filter((k) => k.length > 1 && k.startsWith('no-') === option.startsWith('no-')));
        throw new GauntletError('GAUNTLET_USAGE', `${name} has no option ${token.split('=')[0]}.`, {
          fix: `${nearest ? `Did you mean --${nearest}? ` : ''}Run \`${name} --help\` for its options.`,
        });
      }
      if (def.type !== 'boolean' && !token.includes('=')) i += 1; // its value
      continue;
    }
    seenPositionals += 1;
    if (seenPositionals > positionals) {
      throw new GauntletError('GAUNTLET_USAGE', `${name} takes no argument ${JSON.stringify(token)}.`, { fix: `Options start with --; run \`${name} --help\` for them.` });
    }
  }
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The known option nearest to `typed`: a prefix either way, else the smallest edit distance within a third of its length (at least 2). */
function closest(typed: string, options: string[]): string | undefined {
  const prefix = options.find((o) => o.startsWith(typed) || typed.startsWith(o));
  if (prefix) return prefix;
  let best: { option: string; distance: number } | undefined;
  for (const option of options) {
    const distance = levenshtein(typed, option);
    if (distance <= Math.max(2, Math.floor(option.length / 3)) && (!best || distance < best.distance)) best = { option, distance };
  }
  return best?.option;
}

/** Edit distance (insertions, deletions, substitutions): a dozen lines, not worth a dependency. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] as number;
}
