// Expected strings are go-humanize's output for the same inputs (computed with the Go library).
import { describe, expect, it } from 'vitest';
import {
  formatLocalTime,
  goDurationString,
  goDurationStringOfMs,
  humanizeAge,
  humanizeDuration,
  humanizeRelativeDuration,
  humanizeRelativeTime,
  humanizeShortDuration,
  humanizeTimestamp,
} from '../../../src/workflow/humanize.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const now = new Date('2026-03-01T10:05:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);

describe('humanizeDuration (argo get Duration:)', () => {
  it.each([
    [0, '0 seconds'],
    [999, '0 seconds'],
    [S, '1 second'],
    [1999, '1 second'],
    [2 * S, '2 seconds'],
    [59 * S + 999, '59 seconds'],
    [M, '1 minute 0 seconds'],
    [M + S, '1 minute 1 seconds'],
    [90 * S, '1 minute 30 seconds'],
    [2 * M, '2 minutes 0 seconds'],
    [H - 1, '59 minutes 59 seconds'],
    [H, '1 hour 0 minutes'],
    [90 * M, '1 hour 30 minutes'],
    [2 * H, '2 hours 0 minutes'],
    [D - 1, '23 hours 59 minutes'],
    [D, '1 day 0 hours'],
    [3 * D + 5 * H + 7 * M, '3 days 5 hours'],
    [7 * D, '1 week 0 hours'],
    [14 * D, '2 weeks 0 hours'],
    [30 * D, '1 month 0 hours'],
    [360 * D, '1 year 0 hours'],
    [720 * D, '2 years 0 hours'],
    [37 * 360 * D, 'a long while 0 hours'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(humanizeDuration(ms)).toBe(text);
  });

  it('runs an unfinished duration until now, and gives 0 seconds without a start', () => {
    expect(humanizeRelativeDuration(ago(90 * S), undefined, now)).toBe('1 minute 30 seconds');
    expect(humanizeRelativeDuration(undefined, undefined, now)).toBe('0 seconds');
    expect(humanizeRelativeDuration('2026-03-01T10:00:00Z', '2026-03-01T11:30:00Z', now)).toBe(
      '1 hour 30 minutes',
    );
  });
});

describe('short durations and ages (list columns, node DURATION)', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [S, '1s'],
    [59 * S, '59s'],
    [M, '1m'],
    [119 * S, '1m'],
    [2 * M, '2m'],
    [H - 1, '59m'],
    [H, '1h'],
    [90 * M, '1h'],
    [D - 1, '23h'],
    [D, '1d'],
    [2 * D, '2d'],
    [7 * D, '7d'],
    [400 * D, '400d'],
  ])('an age of %d ms is "%s"', (ms, text) => {
    expect(humanizeAge(ago(ms), now)).toBe(text);
  });

  it('is symmetric for times in the future', () => {
    expect(humanizeShortDuration(new Date(now.getTime() + 21 * H + 55 * M), now, now)).toBe('21h');
  });

  it('measures from Go zero time when the start is missing', () => {
    expect(humanizeShortDuration(undefined, '2026-01-01T00:00:00Z', now)).toBe('106751d');
    expect(humanizeShortDuration(undefined, undefined, now)).toBe('0s');
  });
});

describe('timestamps (argo get Created:/Started:)', () => {
  it.each([
    [0, 'now'],
    [999, 'now'],
    [S, '1 second ago'],
    [45 * S, '45 seconds ago'],
    [M, '1 minute ago'],
    [5 * M, '5 minutes ago'],
    [H, '1 hour ago'],
    [3 * H, '3 hours ago'],
    [D, '1 day ago'],
    [6 * D, '6 days ago'],
    [7 * D, '1 week ago'],
    [29 * D, '4 weeks ago'],
    [59 * D, '1 month ago'],
    [60 * D, '2 months ago'],
    [540 * D, '2 years ago'],
  ])('%d ms before now is "%s"', (ms, text) => {
    expect(humanizeRelativeTime(ago(ms), now)).toBe(text);
  });

  it('says "from now" for the future and "a long while ago" for the zero time', () => {
    expect(humanizeRelativeTime(new Date(now.getTime() + 2 * H), now)).toBe('2 hours from now');
    expect(humanizeRelativeTime(undefined, now)).toBe('a long while ago');
  });

  it('formats in the local time zone with a numeric offset', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      expect(humanizeTimestamp('2026-03-01T10:00:00Z', now)).toBe(
        'Sun Mar 01 10:00:00 +0000 (5 minutes ago)',
      );
      process.env.TZ = 'America/New_York';
      expect(formatLocalTime(Date.parse('2026-03-01T10:00:00Z'))).toBe('Sun Mar 01 05:00:00 -0500');
      process.env.TZ = 'Asia/Kolkata';
      expect(formatLocalTime(Date.parse('2026-07-04T23:59:30Z'))).toBe('Sun Jul 05 05:29:30 +0530');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('goDurationString (time.Duration.String of whole seconds)', () => {
  it.each([
    [0, '0s'],
    [5, '5s'],
    [60, '1m0s'],
    [96, '1m36s'],
    [3600, '1h0m0s'],
    [3725, '1h2m5s'],
    [-65, '-1m5s'],
  ])('%d s is %s', (seconds, text) => {
    expect(goDurationString(seconds)).toBe(text);
  });
});

describe('goDurationStringOfMs (time.Duration.String of whole milliseconds)', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [5000, '5s'],
    [1500, '1.5s'],
    [60_250, '1m0.25s'],
    [90_000, '1m30s'],
    [3_600_001, '1h0m0.001s'],
    [-1500, '-1.5s'],
  ])('%d ms is %s', (ms, text) => {
    expect(goDurationStringOfMs(ms)).toBe(text);
  });
});
