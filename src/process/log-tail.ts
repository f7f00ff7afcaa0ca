import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Keeps the last N lines of a process's output in memory, and optionally all of it in a file. */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly file: WriteStream | undefined;
  private readonly listeners = new Set<(line: string) => void>();

  constructor(
    private readonly max = 50,
    filePath?: string,
  ) {
    if (filePath) {
      mkdirSync(path.dirname(filePath), { recursive: true });
      this.file = createWriteStream(filePath, { flags: 'a' });
    }
  }

  attach(stream: Readable | null): void {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => this.push(chunk));
  }

  push(chunk: string): void {
    this.file?.write(chunk);
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
      for (const listener of this.listeners) listener(line);
    }
  }

  /** Calls back for every complete line from now on; returns an unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  last(n = this.max): string[] {
    const all = this.partial ? [...this.lines, this.partial] : [...this.lines];
    return all.slice(-n);
  }

  async close(): Promise<void> {
    if (!this.file) return;
    await new Promise<void>((resolve) => this.file?.end(resolve));
  }
}
