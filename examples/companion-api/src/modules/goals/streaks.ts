/** Pure: current and longest runs of consecutive UTC days, given the distinct days (YYYY-MM-DD) with activity. */
export function streaks(days: string[], today: string): { current: number; longest: number } {
  const dayNumber = (d: string) => Math.floor(Date.parse(`${d}T00:00:00Z`) / 86_400_000);
  const sorted = [...new Set(days)].map(dayNumber).sort((a, b) => a - b);
  let longest = 0;
  let run = 0;
  for (let i = 0; i < sorted.length; i++) {
    run = i > 0 && sorted[i] === (sorted[i - 1] as number) + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  const t = dayNumber(today);
  const last = sorted.at(-1);
  // A streak is current if its last day is today or yesterday (today is not over yet).
  const current = last !== undefined && t - last <= 1 ? run : 0;
  return { current, longest };
}
