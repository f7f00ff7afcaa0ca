/** How the volume profile writes its figures: whole numbers with separators, ms to a tenth below 10, a statement on one line. */
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export const ms = (n: number) => (n >= 10 ? String(Math.round(n)) : n.toFixed(1));

/** A shift in ms with its sign: +8.8, -1.2. */
export const signed = (n: number) => `${n >= 0 ? '+' : ''}${ms(n)}`;

/** A statement's text on one line, cut at 160 characters. */
export const short = (query: string) => {
  const one = query.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 157)}…` : one;
};
