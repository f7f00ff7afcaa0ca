import { fmt } from './format.ts';

/**
 * The seeding progress bar: rows so far against the size's rows, and rows per second. On a terminal
 * it redraws one line; elsewhere (CI logs) it writes a line every 10 s and one at the end, so a log
 * is never flooded. Hand-written: one line of arithmetic does not need a progress-bar library.
 */
export interface Progress {
  update(rows: number): void;
  done(rows: number): void;
}

export function progressBar(label: string, from: number, to: number, stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  const started = now();
  let lastLine = started;
  const line = (rows: number) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const share = to > from ? Math.min(1, Math.max(0, (rows - from) / (to - from))) : 1;
    const bar = `${'#'.repeat(Math.round(share * 20))}${'-'.repeat(20 - Math.round(share * 20))}`;
    return `volume ${label} [${bar}] ${fmt(rows)}/${fmt(to)} rows, ${fmt((rows - from) / seconds)} rows/s`;
  };
  return {
    update(rows) {
      if (stream.isTTY) stream.write(`\r${line(rows)}`);
      else if (now() - lastLine >= 10_000) {
        lastLine = now();
        stream.write(`${line(rows)}\n`);
      }
    },
    done(rows) {
      stream.write(`${stream.isTTY ? '\r' : ''}${line(rows)}\n`);
    },
  };
}
