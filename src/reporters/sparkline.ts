import type { Timeline } from '../results/types.ts';
import { esc } from './_html.ts';

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));

/**
 * One small inline-SVG line per series of a timeline, with its range and the run's length: index.html
 * has no script, so no chart library. Gaps (null) break the line.
 */
export function sparklines(timeline: Timeline, width = 300, height = 48): string {
  const t0 = timeline.t[0] ?? 0;
  const span = Math.max(1e-9, (timeline.t.at(-1) ?? 0) - t0);
  return Object.entries(timeline.series)
    .map(([name, values]) => {
      const present = values.filter((v): v is number => v !== null);
      if (present.length < 2) return '';
      const lo = Math.min(...present);
      const hi = Math.max(...present);
      const y = (v: number) => height - 4 - ((v - lo) / Math.max(1e-9, hi - lo)) * (height - 8);
      const runs: string[][] = [[]];
      values.forEach((v, i) => {
        if (v === null) runs.push([]);
        else (runs.at(-1) as string[]).push(`${((((timeline.t[i] ?? t0) - t0) / span) * width).toFixed(1)},${y(v).toFixed(1)}`);
      });
      const lines = runs.filter((r) => r.length > 1).map((r) => `<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${r.join(' ')}"/>`);
      return `<figure class="spark"><svg role="img" aria-label="${esc(name)} over the run" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${lines.join('')}</svg><figcaption>${esc(name)}: ${fmt(lo)} to ${fmt(hi)} over ${fmt(span)} s</figcaption></figure>`;
    })
    .join('');
}
