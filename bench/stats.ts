export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? Number.NaN : sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { n: sorted.length, median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
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
