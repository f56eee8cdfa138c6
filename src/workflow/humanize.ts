// Human-readable durations, ages and timestamps exactly as the Go argo CLI prints them. Upstream builds
// these on go-humanize's relative-time tables; the tables below hold the same thresholds and formats.

/** A point in time as the model carries it: an RFC 3339 string, a Date, or absent (Go's zero time). */
export type TimeLike = string | Date | null | undefined;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 12 * MONTH;
const LONG_TIME = 37 * YEAR;

// Go's time.Time{} (0001-01-01T00:00:00Z), and time.Duration's range, which Time.Sub saturates to.
const GO_ZERO_TIME_MS = -62135596800000;
// 2^63 - 1 nanoseconds.
const MAX_DURATION_MS = 9223372036854.775;

interface Magnitude {
  /** The first duration (exclusive upper bound) this format no longer covers. */
  below: number;
  format: string;
  /** Divisor for the %d quantity. */
  unit: number;
}

const LONG_MAGNITUDES: readonly Magnitude[] = [
  { below: SECOND, format: '0 seconds', unit: SECOND },
  { below: 2 * SECOND, format: '1 second %s', unit: 1 },
  { below: MINUTE, format: '%d seconds %s', unit: SECOND },
  { below: 2 * MINUTE, format: '1 minute %s', unit: 1 },
  { below: HOUR, format: '%d minutes %s', unit: MINUTE },
  { below: 2 * HOUR, format: '1 hour %s', unit: 1 },
  { below: DAY, format: '%d hours %s', unit: HOUR },
  { below: 2 * DAY, format: '1 day %s', unit: 1 },
  { below: WEEK, format: '%d days %s', unit: DAY },
  { below: 2 * WEEK, format: '1 week %s', unit: 1 },
  { below: MONTH, format: '%d weeks %s', unit: WEEK },
  { below: 2 * MONTH, format: '1 month %s', unit: 1 },
  { below: YEAR, format: '%d months %s', unit: MONTH },
  { below: 18 * MONTH, format: '1 year %s', unit: 1 },
  { below: 2 * YEAR, format: '2 years %s', unit: 1 },
  { below: LONG_TIME, format: '%d years %s', unit: YEAR },
  { below: Infinity, format: 'a long while %s', unit: 1 },
];

// go-humanize's own table, used for "(5 minutes ago)" after a timestamp.
const DEFAULT_MAGNITUDES: readonly Magnitude[] = [
  { below: SECOND, format: 'now', unit: SECOND },
  ...LONG_MAGNITUDES.slice(1),
];

const SHORT_MAGNITUDES: readonly Magnitude[] = [
  { below: SECOND, format: '0s', unit: SECOND },
  { below: 2 * SECOND, format: '1s %s', unit: 1 },
  { below: MINUTE, format: '%ds %s', unit: SECOND },
  { below: 2 * MINUTE, format: '1m %s', unit: 1 },
  { below: HOUR, format: '%dm %s', unit: MINUTE },
  { below: 2 * HOUR, format: '1h %s', unit: 1 },
  { below: DAY, format: '%dh %s', unit: HOUR },
  { below: 2 * DAY, format: '1d %s', unit: 1 },
  // Past the table's end the last entry applies, so long ages print as days ("400d").
  { below: WEEK, format: '%dd %s', unit: DAY },
];

/** Milliseconds since the epoch; absent or unparseable times are Go's zero time. */
export function timeMs(t: TimeLike): number {
  if (t === null || t === undefined || t === '') return GO_ZERO_TIME_MS;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? GO_ZERO_TIME_MS : ms;
}

export function isZeroTime(t: TimeLike): boolean {
  return timeMs(t) === GO_ZERO_TIME_MS;
}

function clampDuration(ms: number): number {
  return Math.max(-MAX_DURATION_MS, Math.min(MAX_DURATION_MS, ms));
}

// go-humanize CustomRelTime: pick the first magnitude whose bound exceeds |b - a|, fill in %d and %s.
function relTime(
  aMs: number,
  bMs: number,
  aLabel: string,
  bLabel: string,
  table: readonly Magnitude[],
): string {
  let label = aLabel;
  let diff = clampDuration(bMs - aMs);
  if (aMs > bMs) {
    label = bLabel;
    diff = clampDuration(aMs - bMs);
  }
  // A loop and split/join rather than find() and a replace() callback: `argo get` calls this for
  // each node of a workflow, in code V8 has not optimised, where each callback call costs.
  let mag = table[table.length - 1];
  for (const m of table) {
    if (m.below > diff) {
      mag = m;
      break;
    }
  }
  const filled = mag.format.includes('%d')
    ? mag.format.split('%d').join(String(Math.trunc(diff / mag.unit)))
    : mag.format;
  return filled.includes('%s') ? filled.split('%s').join(label) : filled;
}

function truncatedDuration(ms: number): string {
  return relTime(0, ms, '', '', LONG_MAGNITUDES).trim();
}

/** Go's math.Mod truncated to an integer: the remainder keeps the dividend's sign. */
function remainder(value: number, modulus: number): number {
  return Math.trunc(value % modulus);
}

/**
 * A duration with up to two units, as `argo get` prints Duration and EstimatedDuration:
 * "45 seconds", "1 minute 30 seconds", "2 hours 5 minutes", "1 day 3 hours".
 */
export function humanizeDuration(ms: number): string {
  const seconds = ms / SECOND;
  if (seconds < 60) return truncatedDuration(ms);
  if (seconds / 60 < 60) return `${truncatedDuration(ms)} ${remainder(seconds, 60)} seconds`;
  if (seconds / 3600 < 24) return `${truncatedDuration(ms)} ${remainder(seconds / 60, 60)} minutes`;
  return `${truncatedDuration(ms)} ${remainder(seconds / 3600, 24)} hours`;
}

/** The long form between two times; an unfinished run (no finish, a start) runs until `now`. */
export function humanizeRelativeDuration(start: TimeLike, finish: TimeLike, now: Date): string {
  const startMs = timeMs(start);
  let finishMs = timeMs(finish);
  if (finishMs === GO_ZERO_TIME_MS && startMs !== GO_ZERO_TIME_MS) finishMs = now.getTime();
  return humanizeDuration(clampDuration(finishMs - startMs));
}

/** The single-unit short form between two times ("0s", "45s", "3m", "2h", "5d"), as list columns use it. */
export function humanizeShortDuration(start: TimeLike, finish: TimeLike, now: Date): string {
  const startMs = timeMs(start);
  let finishMs = timeMs(finish);
  if (finishMs === GO_ZERO_TIME_MS && startMs !== GO_ZERO_TIME_MS) finishMs = now.getTime();
  return relTime(startMs, finishMs, '', '', SHORT_MAGNITUDES).trim();
}

/** The age of something created at `from`, in the short form: the AGE column. */
export function humanizeAge(from: TimeLike, now: Date): string {
  return humanizeShortDuration(from, now, now);
}

/** How long ago (or how far ahead) `t` is: "5 minutes ago", "now", "2 hours from now". */
export function humanizeRelativeTime(t: TimeLike, now: Date): string {
  return relTime(timeMs(t), now.getTime(), 'ago', 'from now', DEFAULT_MAGNITUDES);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Go's "Mon Jan 02 15:04:05 -0700" layout, in the local time zone (the TZ environment variable). */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  const offsetMinutes = -d.getTimezoneOffset();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.trunc(Math.abs(offsetMinutes));
  return (
    `${WEEKDAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ` +
    `${sign}${pad2(Math.trunc(abs / 60))}${pad2(abs % 60)}`
  );
}

/** A timestamp as `argo get` prints Created/Started/Finished: "Mon Jan 02 15:04:05 -0700 (5 minutes ago)". */
export function humanizeTimestamp(t: TimeLike, now: Date): string {
  return `${formatLocalTime(timeMs(t))} (${humanizeRelativeTime(t, now)})`;
}

/**
 * Go's time.Duration.String() for a whole number of milliseconds: "0s", "500ms", "1.5s",
 * "1m30.25s", "2h0m5s" (sub-second parts as Go writes them, trailing zeros dropped).
 */
export function goDurationStringOfMs(ms: number): string {
  const whole = Math.trunc(ms);
  if (whole === 0) return '0s';
  const sign = whole < 0 ? '-' : '';
  const abs = Math.abs(whole);
  if (abs < 1000) return `${sign}${abs}ms`;
  const fraction = abs % 1000;
  const seconds = goDurationString(Math.floor(abs / 1000));
  if (fraction === 0) return `${sign}${seconds}`;
  const digits = String(fraction).padStart(3, '0').replace(/0+$/, '');
  return `${sign}${seconds.slice(0, -1)}.${digits}s`;
}

/** Go's time.Duration.String() for a whole number of seconds: "0s", "45s", "1m30s", "2h0m5s". */
export function goDurationString(totalSeconds: number): string {
  if (totalSeconds === 0) return '0s';
  const sign = totalSeconds < 0 ? '-' : '';
  let s = Math.abs(Math.trunc(totalSeconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}
