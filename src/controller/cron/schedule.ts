// Cron schedules as Argo's controller reads them: robfig/cron's standard parser (five fields or a
// descriptor, an optional CRON_TZ=/TZ= prefix, `@every <duration>`), evaluated with croner.
// Three things are adapted so croner picks the instants robfig picks:
//  - robfig joins day-of-month and day-of-week with AND when either field contains `*` or `?`
//    (with no step above 1), with OR otherwise; croner looks only for a bare `*`, so such
//    fields are handed over as `*` (they cover every day anyway).
//  - robfig walks real time, so a wall-clock time inside a DST gap never runs and one that
//    occurs twice runs twice. Croner does that for its "interval" jobs only; a seconds field of
//    `*/60` (which is just second 0) makes every schedule one.
//  - `@every` is a fixed delay from the previous run, which croner has no notion of.
import { Cron } from 'croner';
import type { CronWorkflowSpec } from '../../model/workflow.js';
import { parseDuration } from '../../workflow/expr/time.js';
import { cronScheduleError } from '../../workflow/validate/index.js';

export class CronScheduleError extends Error {
  override readonly name = 'CronScheduleError';
}

export interface Schedule {
  /** The first run strictly after `t`, or undefined when the schedule has none (robfig looks five years ahead). */
  next(t: Date): Date | undefined;
  /**
   * Where robfig's catch-up loop (`next` from `from` for as long as it stays before `before`)
   * ends: the last run in (from, before), or undefined when there is none.
   */
  lastBefore(from: Date, before: Date): Date | undefined;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const YEAR_LIMIT = 5;

/**
 * Parses one schedule. `defaultZone` (an IANA name) is the zone of schedules without a prefix,
 * the controller's local zone; undefined means this process's zone.
 */
export function parseSchedule(text: string, defaultZone?: string): Schedule {
  const problem = cronScheduleError(text);
  if (problem) throw new CronScheduleError(problem);
  let spec = text;
  let zone = defaultZone;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const name = spec.slice(spec.indexOf('=') + 1, space);
    // Go's time.LoadLocation: "" and "UTC" are UTC, "Local" is the machine's zone.
    zone = name === '' || name === 'UTC' ? 'UTC' : name === 'Local' ? defaultZone : name;
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith('@every ')) return everySchedule(spec.slice('@every '.length));
  const fields = (DESCRIPTORS[spec] ?? spec).split(/\s+/).filter(Boolean);
  for (const i of [2, 4]) if (hasStarBit(fields[i])) fields[i] = '*';
  let cron: Cron;
  try {
    cron = new Cron(`*/60 ${fields.join(' ')}`, {
      timezone: zone,
      mode: '6-part',
      sloppyRanges: true,
      paused: true,
    });
  } catch (err) {
    throw new CronScheduleError((err as Error).message);
  }
  return new SpecSchedule(cron);
}

/** robfig marks a field "star" when one of its comma parts starts with `*` or `?` and has no step above 1. */
function hasStarBit(field: string): boolean {
  return field.split(',').some((part) => {
    const [range, step] = part.split('/');
    const low = range.split('-')[0];
    return (low === '*' || low === '?') && (step === undefined || Number(step) <= 1);
  });
}

class SpecSchedule implements Schedule {
  constructor(private readonly cron: Cron) {}

  next(t: Date): Date | undefined {
    const next = this.cron.nextRun(t);
    if (!next) return undefined;
    if (next.getUTCFullYear() > t.getUTCFullYear() + YEAR_LIMIT) return undefined;
    return next;
  }

  lastBefore(from: Date, before: Date): Date | undefined {
    const first = this.next(from);
    if (!first || first >= before) return undefined;
    // Stepping forward run by run could take long (a minutely schedule after weeks of
    // downtime); step back from `before` instead, and walk forward only if that disagrees.
    let last = this.cron.previousRuns(1, before)[0] as Date | undefined;
    if (!last || last < first || last >= before) last = first;
    for (let n = this.next(last); n && n < before; n = this.next(last)) last = n;
    return last;
  }
}

/** `@every 1h30m`: a constant delay, whole seconds (at least one), from the previous run. */
function everySchedule(text: string): Schedule {
  const ns = parseDuration(text);
  let delayMs = Number(ns / 1_000_000_000n) * 1000;
  if (delayMs < 1000) delayMs = 1000;
  const next = (t: Date): Date => new Date(Math.floor(t.getTime() / 1000) * 1000 + delayMs);
  return {
    next,
    lastBefore(from, before) {
      const start = Math.floor(from.getTime() / 1000) * 1000;
      const steps = Math.floor((before.getTime() - 1 - start) / delayMs);
      return steps >= 1 ? new Date(start + steps * delayMs) : undefined;
    },
  };
}

/** The schedules of a cron workflow: `schedules`, or the single `schedule` of v3.5 and before. */
export function cronSchedules(spec: CronWorkflowSpec): string[] {
  if (spec.schedules && spec.schedules.length > 0) return spec.schedules;
  return spec.schedule ? [spec.schedule] : [];
}

/** Each schedule with the cron workflow's time zone as a CRON_TZ= prefix, as the controller schedules them. */
export function schedulesWithTimezone(spec: CronWorkflowSpec): string[] {
  return cronSchedules(spec).map((s) => (spec.timezone ? `CRON_TZ=${spec.timezone} ${s}` : s));
}

/** What the last-used-schedule annotation records: the prefixed schedules, comma-separated. */
export function scheduleWithTimezoneString(spec: CronWorkflowSpec): string {
  return schedulesWithTimezone(spec).join(',');
}

/**
 * The next time any of the cron workflow's schedules fires after `now` (`argo cron get/list`),
 * or undefined when a schedule does not parse or none fires.
 */
export function nextRuntime(spec: CronWorkflowSpec, now: Date, defaultZone?: string): Date | undefined {
  let best: Date | undefined;
  for (const s of schedulesWithTimezone(spec)) {
    let next: Date | undefined;
    try {
      next = parseSchedule(s, defaultZone).next(now);
    } catch {
      return undefined;
    }
    if (next && (!best || next < best)) best = next;
  }
  return best;
}
