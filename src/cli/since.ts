// Relative times as `--since 10m` / `--older 1d` take them: Go durations plus days.
import { parseGoDuration } from '../workflow/duration.js';

export function parseSinceDuration(text: string): number {
  const t = text.trim();
  const days = /^(\d+)d(.*)$/.exec(t);
  if (days) return Number(days[1]) * 86_400_000 + (days[2] ? parseGoDuration(days[2]) : 0);
  return parseGoDuration(t);
}

/** The point in time `text` ago. */
export function parseSince(text: string, now: Date = new Date()): Date {
  return new Date(now.getTime() - parseSinceDuration(text));
}
