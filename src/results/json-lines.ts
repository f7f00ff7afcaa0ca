import { readFile } from 'node:fs/promises';

/**
 * The records of a JSON-lines file that test workers append to as they go (e2e findings, a suite's
 * progress). A missing file is no records; a line cut short by a killed writer is left out.
 */
export async function readJsonLines<T>(file: string): Promise<T[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as T];
    } catch {
      return [];
    }
  });
}
