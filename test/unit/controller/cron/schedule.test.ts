import { describe, expect, it } from 'vitest';
import {
  nextRuntime,
  parseSchedule,
  scheduleWithTimezoneString,
  schedulesWithTimezone,
} from '../../../../src/controller/cron/schedule.js';

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

describe('parseSchedule picks the instants robfig/cron v3 picks', () => {
  // Expected runs were produced by robfig/cron v3.0.1's ParseStandard(...).Next, run repeatedly
  // from the start instant with the process in UTC ("zero": no run within five years).
  it.each([
    [
      'CRON_TZ=America/Los_Angeles 59 1 * * *',
      '2020-03-07T12:00:00Z',
      '2020-03-08T09:59:00Z 2020-03-09T08:59:00Z 2020-03-10T08:59:00Z',
    ],
    [
      'CRON_TZ=America/Los_Angeles 0 2 * * *',
      '2020-03-07T12:00:00Z',
      '2020-03-09T09:00:00Z 2020-03-10T09:00:00Z 2020-03-11T09:00:00Z',
    ],
    [
      'CRON_TZ=America/Los_Angeles 1 2 * * *',
      '2020-03-07T12:00:00Z',
      '2020-03-09T09:01:00Z 2020-03-10T09:01:00Z 2020-03-11T09:01:00Z',
    ],
    [
      'CRON_TZ=America/Los_Angeles 59 1 * * *',
      '2020-10-31T12:00:00Z',
      '2020-11-01T08:59:00Z 2020-11-01T09:59:00Z 2020-11-02T09:59:00Z',
    ],
    [
      'CRON_TZ=America/Los_Angeles 0 2 * * *',
      '2020-10-31T12:00:00Z',
      '2020-11-01T10:00:00Z 2020-11-02T10:00:00Z 2020-11-03T10:00:00Z',
    ],
    [
      'CRON_TZ=America/New_York 30 2 * * *',
      '2024-03-09T00:00:00Z',
      '2024-03-09T07:30:00Z 2024-03-11T06:30:00Z 2024-03-12T06:30:00Z',
    ],
    [
      'CRON_TZ=America/New_York 30 1 * * *',
      '2024-11-02T12:00:00Z',
      '2024-11-03T05:30:00Z 2024-11-03T06:30:00Z 2024-11-04T06:30:00Z',
    ],
    [
      'CRON_TZ=America/New_York */20 1-3 * * *',
      '2024-11-03T04:30:00Z',
      '2024-11-03T05:00:00Z 2024-11-03T05:20:00Z 2024-11-03T05:40:00Z 2024-11-03T06:00:00Z 2024-11-03T06:20:00Z 2024-11-03T06:40:00Z 2024-11-03T07:00:00Z 2024-11-03T07:20:00Z',
    ],
    [
      'CRON_TZ=America/New_York */20 1-3 * * *',
      '2024-03-10T05:30:00Z',
      '2024-03-10T06:00:00Z 2024-03-10T06:20:00Z 2024-03-10T06:40:00Z 2024-03-10T07:00:00Z 2024-03-10T07:20:00Z 2024-03-10T07:40:00Z',
    ],
    [
      'TZ=Asia/Tokyo 0 9 * * mon-fri',
      '2024-01-05T00:00:00Z',
      '2024-01-08T00:00:00Z 2024-01-09T00:00:00Z 2024-01-10T00:00:00Z',
    ],
    [
      '0 0 */2 * 1',
      '2024-01-01T00:00:00Z',
      '2024-01-03T00:00:00Z 2024-01-05T00:00:00Z 2024-01-07T00:00:00Z 2024-01-08T00:00:00Z 2024-01-09T00:00:00Z 2024-01-11T00:00:00Z',
    ],
    [
      '0 0 1-31 * 1',
      '2024-01-01T00:00:00Z',
      '2024-01-02T00:00:00Z 2024-01-03T00:00:00Z 2024-01-04T00:00:00Z',
    ],
    ['0 0 ? * 1', '2024-01-01T00:00:00Z', '2024-01-08T00:00:00Z 2024-01-15T00:00:00Z 2024-01-22T00:00:00Z'],
    ['0 0 *,5 * 1', '2024-01-01T00:00:00Z', '2024-01-08T00:00:00Z 2024-01-15T00:00:00Z 2024-01-22T00:00:00Z'],
    [
      '0 0 5/10 * *',
      '2024-01-01T00:00:00Z',
      '2024-01-05T00:00:00Z 2024-01-15T00:00:00Z 2024-01-25T00:00:00Z 2024-02-05T00:00:00Z',
    ],
    [
      '15 */6 * jan,JUL *',
      '2024-06-30T23:00:00Z',
      '2024-07-01T00:15:00Z 2024-07-01T06:15:00Z 2024-07-01T12:15:00Z 2024-07-01T18:15:00Z 2024-07-02T00:15:00Z',
    ],
    ['@hourly', '2024-01-01T00:30:00Z', '2024-01-01T01:00:00Z 2024-01-01T02:00:00Z'],
    ['@weekly', '2024-01-01T00:30:00Z', '2024-01-07T00:00:00Z 2024-01-14T00:00:00Z'],
    ['@monthly', '2024-01-31T00:30:00Z', '2024-02-01T00:00:00Z 2024-03-01T00:00:00Z'],
    ['@yearly', '2024-01-31T00:30:00Z', '2025-01-01T00:00:00Z'],
    ['@every 90s', '2024-01-01T00:00:10.5Z', '2024-01-01T00:01:40Z 2024-01-01T00:03:10Z'],
    ['@every 500ms', '2024-01-01T00:00:10.5Z', '2024-01-01T00:00:11Z 2024-01-01T00:00:12Z'],
    ['TZ= 0 12 * * *', '2024-01-01T00:00:00Z', '2024-01-01T12:00:00Z'],
    ['* * * * *', '2024-01-01T00:00:59.999Z', '2024-01-01T00:01:00Z 2024-01-01T00:02:00Z'],
    ['0 0 30 2 *', '2024-01-01T00:00:00Z', 'zero'],
  ])('%s from %s', (spec, start, expected) => {
    const schedule = parseSchedule(spec, 'UTC');
    const runs: string[] = [];
    let t = new Date(start);
    for (const want of expected.split(' ')) {
      const next = schedule.next(t);
      if (want === 'zero') {
        expect(next).toBeUndefined();
        break;
      }
      expect(next).toBeDefined();
      runs.push(iso(next!));
      t = next!;
    }
    expect(runs.join(' ')).toBe(expected.replace(/ ?zero$/, ''));
  });

  it('rejects what robfig rejects, with its message', () => {
    expect(() => parseSchedule('* * * *')).toThrow('expected exactly 5 fields, found 4: [* * * *]');
    expect(() => parseSchedule('0 * * * * *')).toThrow('expected exactly 5 fields, found 6');
    expect(() => parseSchedule('10 * * 12737123 *')).toThrow(
      'end of range (12737123) above maximum (12): 12737123',
    );
    expect(() => parseSchedule('CRON_TZ=Nowhere/City * * * * *')).toThrow(
      'provided bad location Nowhere/City: unknown time zone Nowhere/City',
    );
    expect(() => parseSchedule('@fortnightly')).toThrow('unrecognized descriptor: @fortnightly');
  });

  it('uses the default zone for schedules without a prefix, and Local means it too', () => {
    const start = new Date('2024-01-01T00:00:00Z');
    expect(iso(parseSchedule('0 9 * * *', 'Asia/Tokyo').next(start)!)).toBe('2024-01-02T00:00:00Z');
    expect(iso(parseSchedule('CRON_TZ=Local 0 9 * * *', 'Asia/Tokyo').next(start)!)).toBe(
      '2024-01-02T00:00:00Z',
    );
    expect(iso(parseSchedule('CRON_TZ=UTC 0 9 * * *', 'Asia/Tokyo').next(start)!)).toBe(
      '2024-01-01T09:00:00Z',
    );
  });
});

describe('lastBefore: where the catch-up loop ends', () => {
  const walk = (spec: string, from: string, before: string): string | undefined => {
    const s = parseSchedule(spec, 'UTC');
    let last: Date | undefined;
    for (let n = s.next(new Date(from)); n && n < new Date(before); n = s.next(n)) last = n;
    return last && iso(last);
  };

  it.each([
    ['* * * * *', '2024-01-01T00:00:00Z', '2024-01-01T06:00:30Z'],
    ['* * * * *', '2024-01-01T00:00:00Z', '2024-01-01T00:01:00Z'],
    ['* * * * *', '2024-01-01T00:00:00Z', '2024-01-01T00:01:00.001Z'],
    ['0 2 * * *', '2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z'],
    ['CRON_TZ=America/New_York 30 1 * * *', '2024-11-03T05:30:00Z', '2024-11-03T07:00:00Z'],
    ['CRON_TZ=America/New_York 30 1 * * *', '2024-11-02T05:30:00Z', '2024-11-03T06:00:00Z'],
    ['CRON_TZ=America/New_York 30 2 * * *', '2024-03-09T08:00:00Z', '2024-03-11T06:00:00Z'],
    ['@every 90s', '2024-01-01T00:00:10.5Z', '2024-01-01T01:00:00Z'],
    ['@every 90s', '2024-01-01T00:00:10Z', '2024-01-01T00:01:40Z'],
  ])('%s from %s before %s', (spec, from, before) => {
    const got = parseSchedule(spec, 'UTC').lastBefore(new Date(from), new Date(before));
    expect(got && iso(got)).toBe(walk(spec, from, before));
  });

  it('finds the latest missed minute of a week-long gap quickly', () => {
    const s = parseSchedule('* * * * *', 'UTC');
    const t0 = performance.now();
    const last = s.lastBefore(new Date('2024-01-01T00:00:00Z'), new Date('2024-03-01T00:00:30Z'));
    expect(iso(last!)).toBe('2024-03-01T00:00:00Z');
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('schedule helpers', () => {
  it('prefixes the time zone and falls back to the legacy schedule field', () => {
    const spec = { schedules: ['* * * * *', '0 1 * * *'], timezone: 'Asia/Tokyo', workflowSpec: {} };
    expect(schedulesWithTimezone(spec)).toEqual([
      'CRON_TZ=Asia/Tokyo * * * * *',
      'CRON_TZ=Asia/Tokyo 0 1 * * *',
    ]);
    expect(scheduleWithTimezoneString(spec)).toBe(
      'CRON_TZ=Asia/Tokyo * * * * *,CRON_TZ=Asia/Tokyo 0 1 * * *',
    );
    expect(schedulesWithTimezone({ schedule: '0 1 * * *', workflowSpec: {} })).toEqual(['0 1 * * *']);
  });

  it('nextRuntime is the earliest of the schedules, or undefined when one does not parse', () => {
    const now = new Date('2024-01-01T00:00:30Z');
    const spec = { schedules: ['*/3 * * * 1-5', '*/2 * * * *'], workflowSpec: {} };
    expect(iso(nextRuntime(spec, now, 'UTC')!)).toBe('2024-01-01T00:02:00Z');
    expect(nextRuntime({ schedules: ['* * *'], workflowSpec: {} }, now, 'UTC')).toBeUndefined();
  });
});
