import { readFile, readdir } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

const SRC = path.join(ROOT, 'src');
const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };

/** Every import specifier of the engine's own (non-test) modules, with the file it is in. */
async function engineImports(): Promise<{ file: string; specifier: string }[]> {
  const files = (await readdir(SRC, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  const found: { file: string; specifier: string }[] = [];
  for (const file of files) {
    const text = await readFile(path.join(SRC, file), 'utf8');
    // TypeScript's own scanner: static imports, re-exports and import() calls, never a string in a comment.
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) found.push({ file: `src/${file}`, specifier: fileName });
  }
  return found;
}

describe('the engine (src/) knows no example and needs only its production dependencies', () => {
  it('imports nothing outside src/ (no factories/, examples/, load/ or suites/)', async () => {
    const outside = (await engineImports()).filter(({ file, specifier }) => specifier.startsWith('.') && !path.resolve(ROOT, path.dirname(file), specifier).startsWith(`${SRC}${path.sep}`));
    expect(outside).toEqual([]);
  });

  it('imports packages only from dependencies (vitest: the optional peer of gauntlet/vitest and gauntlet/e2e)', async () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    const packageOf = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] as string));
    const missing = (await engineImports()).filter(({ specifier }) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtinModules.includes(specifier) && !allowed.has(packageOf(specifier)) && !allowed.has(`@types/${packageOf(specifier)}`)); // a types-only package (sarif → @types/sarif)
    expect(missing).toEqual([]);
  });
});
