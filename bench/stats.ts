import { max, median, min } from 'simple-statistics';

export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function stats(samples: number[]): Stats {
  if (samples.length === 0) return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { n: samples.length, median: median(samples), min: min(samples), max: max(samples) };
}

const ms = (v: number) => (Number.isNaN(v) ? '—' : `${v.toFixed(1)} ms`);

export function table(rows: (string | Stats)[][], runs: number, clones: number): string {
  const head = ['what', 'n', 'median', 'min', 'max'];
  const body = rows.map(([what, s]) => {
    const st = s as Stats;
    return [what as string, String(st.n), ms(st.median), ms(st.min), ms(st.max)];
  });
  const widths = head.map((_, i) => Math.max(head[i]?.length ?? 0, ...body.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [`gauntlet bench (${runs} environment starts each after a warm-up, ${clones} clones)`, line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
