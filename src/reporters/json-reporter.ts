import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../results/types.ts';
import type { Reporter } from './types.ts';

/** reports/results.json: the whole run as data; the other reports are renderings of it. */
export class JsonReporter implements Reporter {
  constructor(private readonly dir: string) {}

  async onRunEnd(result: RunResult): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
}
