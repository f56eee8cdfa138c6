// Go's time.Time, time.Duration and time.Location as expression values, with Go layout
// formatting/parsing and duration syntax, because expr-lang and sprig expose Go's time package
// and users write Go layouts ("2006-01-02") and durations ("1h30m") in their expressions.
import { fault } from './errors.js';

export type Zone =
  | { readonly kind: 'utc' }
  | { readonly kind: 'local' }
  | { readonly kind: 'fixed'; readonly name: string; readonly offset: number }
  | { readonly kind: 'iana'; readonly name: string };

export const UTC: Zone = { kind: 'utc' };
export const LOCAL: Zone = { kind: 'local' };

const NS_PER_MS = 1_000_000n;

export class GoDuration {
  constructor(readonly ns: bigint) {}
  toString(): string {
    return formatDuration(this.ns);
  }
}

export class GoLocation {
  constructor(readonly zone: Zone) {}
  toString(): string {
    return zoneName(this.zone);
  }
}

/** An instant (epoch milliseconds plus sub-millisecond nanoseconds) seen in a zone. */
export class GoTime {
  constructor(
    readonly ms: number,
    readonly subNs: number,
    readonly zone: Zone,
  ) {}
  static fromDate(d: Date, zone: Zone = UTC): GoTime {
    return new GoTime(d.getTime(), 0, zone);
  }
  static now(): GoTime {
    return new GoTime(Date.now(), 0, LOCAL);
  }
  get epochNs(): bigint {
    return BigInt(this.ms) * NS_PER_MS + BigInt(this.subNs);
  }
  static fromEpochNs(ns: bigint, zone: Zone): GoTime {
    let ms = ns / NS_PER_MS;
    let rem = ns % NS_PER_MS;
    if (rem < 0n) {
      rem += NS_PER_MS;
      ms -= 1n;
    }
    return new GoTime(Number(ms), Number(rem), zone);
  }
  /** Wall-clock fields in this time's zone. */
  fields(): WallClock {
    const offset = offsetAt(this.zone, this.ms);
    const d = new Date(this.ms + offset * 1000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      nanosecond: d.getUTCMilliseconds() * 1_000_000 + this.subNs,
      weekday: d.getUTCDay(),
      yearDay:
        Math.floor(
          (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - yearStart(d.getUTCFullYear())) /
            86_400_000,
        ) + 1,
      offset,
      abbrev: zoneAbbrev(this.zone, this.ms, offset),
    };
  }
  toString(): string {
    return formatLayout(this, '2006-01-02 15:04:05.999999999 -0700 MST');
  }
  toDate(): Date {
    return new Date(this.ms);
  }
}

function yearStart(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return d.getTime();
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  weekday: number;
  yearDay: number;
  offset: number;
  abbrev: string;
}

const ianaFormatters = new Map<string, Intl.DateTimeFormat>();

function ianaFormatter(name: string): Intl.DateTimeFormat {
  let f = ianaFormatters.get(name);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    ianaFormatters.set(name, f);
  }
  return f;
}

/** Seconds east of UTC in `zone` at the instant `ms`. */
export function offsetAt(zone: Zone, ms: number): number {
  switch (zone.kind) {
    case 'utc':
      return 0;
    case 'fixed':
      return zone.offset;
    case 'local':
      return -new Date(ms).getTimezoneOffset() * 60;
    case 'iana': {
      const parts: Record<string, string> = {};
      for (const p of ianaFormatter(zone.name).formatToParts(new Date(ms))) parts[p.type] = p.value;
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const d = new Date(0);
      d.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
      d.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
      const flooredMs = ms - (((ms % 1000) + 1000) % 1000);
      return Math.round((d.getTime() - flooredMs) / 1000);
    }
  }
}

function zoneAbbrev(zone: Zone, ms: number, offset: number): string {
  switch (zone.kind) {
    case 'utc':
      return 'UTC';
    case 'fixed':
      return zone.name;
    case 'local':
    case 'iana': {
      const tz = zone.kind === 'iana' ? zone.name : undefined;
      if (offset === 0 && (tz === undefined ? localZoneName() === 'UTC' : tz === 'UTC')) return 'UTC';
      const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' })
        .formatToParts(new Date(ms))
        .find((p) => p.type === 'timeZoneName');
      const name = part?.value ?? '';
      // Go prints a numeric abbreviation ("+03") where the zone database has no letters.
      return /^GMT[+-]/.test(name) || name === ''
        ? formatOffset(offset, false, false, false).replace(/00$/, '')
        : name;
    }
  }
}

function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'Local';
}

export function zoneName(zone: Zone): string {
  switch (zone.kind) {
    case 'utc':
      return 'UTC';
    case 'local':
      return 'Local';
    case 'fixed':
      return zone.name;
    case 'iana':
      return zone.name;
  }
}

/** time.LoadLocation */
export function loadLocation(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return LOCAL;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    fault(`unknown time zone ${name}`);
  }
  return { kind: 'iana', name };
}

// ---------------------------------------------------------------------------------------------
// Durations

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_INT64 = (1n << 63n) - 1n;

/** time.ParseDuration */
export function parseDuration(input: string): bigint {
  const bad = (): never => fault(`time: invalid duration ${goQuote(input)}`);
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') bad();
  let total = 0n;
  const re = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/;
  while (s !== '') {
    const m = re.exec(s);
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) bad();
    const unitMatch = /^(ns|us|µs|μs|ms|s|m|h)/.exec(m![3]);
    if (!unitMatch)
      fault(`time: unknown unit ${goQuote(m![3].replace(/[0-9.].*$/, ''))} in duration ${goQuote(input)}`);
    const unit = UNIT_NS[unitMatch![1]];
    const whole = BigInt(m![1] === '' ? '0' : m![1]) * unit;
    let frac = 0n;
    if (m![2]) {
      const digits = m![2].slice(0, 18);
      frac = (BigInt(digits) * unit) / 10n ** BigInt(digits.length);
    }
    total += whole + frac;
    if (total > MAX_INT64) fault(`time: invalid duration ${goQuote(input)}`);
    s = s.slice(m![1].length + (m![2] !== undefined ? m![2].length + 1 : 0) + unitMatch![1].length);
  }
  return neg ? -total : total;
}

/** time.Duration.String */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let prec: number;
    if (u < 1_000n) return (neg ? '-' : '') + u.toString() + 'ns';
    if (u < 1_000_000n) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    out = fracString(u, prec) + unit;
  } else {
    const secs = u / 1_000_000_000n;
    const frac = u % 1_000_000_000n;
    let secStr = (secs % 60n).toString();
    if (frac !== 0n) secStr += '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
    out = secStr + 's';
    u = secs / 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return (neg ? '-' : '') + out;
}

function fracString(v: bigint, prec: number): string {
  const div = 10n ** BigInt(prec);
  const whole = v / div;
  const frac = v % div;
  if (frac === 0n) return whole.toString();
  return whole.toString() + '.' + frac.toString().padStart(prec, '0').replace(/0+$/, '');
}

export function durationMethod(d: GoDuration, name: string): ((...args: unknown[]) => unknown) | undefined {
  const ns = d.ns;
  switch (name) {
    case 'Hours':
      return () => Number(ns) / 3.6e12;
    case 'Minutes':
      return () => Number(ns) / 6e10;
    case 'Seconds':
      return () => Number(ns) / 1e9;
    case 'Milliseconds':
      return () => ns / 1_000_000n;
    case 'Microseconds':
      return () => ns / 1_000n;
    case 'Nanoseconds':
      return () => ns;
    case 'String':
      return () => formatDuration(ns);
    case 'Abs':
      return () => new GoDuration(ns < 0n ? -ns : ns);
    case 'Round':
    case 'Truncate':
      return (m: unknown) => {
        const unit = m instanceof GoDuration ? m.ns : typeof m === 'bigint' ? m : 0n;
        if (unit <= 0n) return d;
        let r = ns - (ns % unit);
        if (name === 'Round') {
          const rem = ns % unit;
          const abs = rem < 0n ? -rem : rem;
          if (abs + abs >= unit) r += ns < 0n ? -unit : unit;
        }
        return new GoDuration(r);
      };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Layout formatting and parsing

const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Chunk =
  | { lit: string }
  | {
      std:
        | 'January'
        | 'Jan'
        | 'Monday'
        | 'Mon'
        | 'MST'
        | '1'
        | '01'
        | '2'
        | '_2'
        | '02'
        | '__2'
        | '002'
        | '15'
        | '3'
        | '03'
        | '4'
        | '04'
        | '5'
        | '05'
        | '06'
        | '2006'
        | 'PM'
        | 'pm'
        | 'tz';
      text: string;
    }
  | { frac: number; trim: boolean; sep: string }
  | { tz: string; iso: boolean; colon: boolean; seconds: boolean; hoursOnly: boolean };

const layoutCache = new Map<string, Chunk[]>();

function splitLayout(layout: string): Chunk[] {
  const cached = layoutCache.get(layout);
  if (cached) return cached;
  const out: Chunk[] = [];
  let lit = '';
  const push = (c: Chunk): void => {
    if (lit) out.push({ lit });
    lit = '';
    out.push(c);
  };
  let i = 0;
  const at = (s: string): boolean => layout.startsWith(s, i);
  while (i < layout.length) {
    const c = layout[i];
    const std = (name: Exclude<Extract<Chunk, { std: string }>['std'], 'tz'>, len = name.length): void => {
      push({ std: name, text: layout.slice(i, i + len) });
      i += len;
    };
    if (c === 'J' && at('January')) std('January');
    else if (c === 'J' && at('Jan')) std('Jan');
    else if (c === 'M' && at('Monday')) std('Monday');
    else if (c === 'M' && at('Mon')) std('Mon');
    else if (c === 'M' && at('MST')) std('MST');
    else if (c === '0' && at('002')) std('002');
    else if (c === '0' && /^0[1-6]/.test(layout.slice(i, i + 2))) std(layout.slice(i, i + 2) as '01');
    else if (c === '1' && at('15')) std('15');
    else if (c === '1') std('1');
    else if (c === '2' && at('2006')) std('2006');
    else if (c === '2') std('2');
    else if (c === '_' && at('_2006')) {
      lit += '_';
      i += 1;
      std('2006');
    } else if (c === '_' && at('_2')) std('_2');
    else if (c === '_' && at('__2')) std('__2');
    else if (c === '3' || c === '4' || c === '5') std(c);
    else if (c === 'P' && at('PM')) std('PM');
    else if (c === 'p' && at('pm')) std('pm');
    else if ((c === '-' || c === 'Z') && /^[-Z](07:00:00|070000|07:00|0700|07)/.test(layout.slice(i))) {
      const m = /^[-Z](07:00:00|070000|07:00|0700|07)/.exec(layout.slice(i))!;
      push({
        tz: m[0],
        iso: c === 'Z',
        colon: m[1].includes(':'),
        seconds: m[1].length >= 6,
        hoursOnly: m[1] === '07',
      });
      i += m[0].length;
    } else if ((c === '.' || c === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const digit = layout[i + 1];
      let j = i + 1;
      while (j < layout.length && layout[j] === digit) j++;
      if (j < layout.length && layout[j] >= '0' && layout[j] <= '9') {
        lit += c;
        i += 1;
      } else {
        push({ frac: j - i - 1, trim: digit === '9', sep: c });
        i = j;
      }
    } else {
      lit += c;
      i += 1;
    }
  }
  if (lit) out.push({ lit });
  if (layoutCache.size > 200) layoutCache.clear();
  layoutCache.set(layout, out);
  return out;
}

const pad = (n: number, w: number, ch = '0'): string => String(n).padStart(w, ch);

function formatOffset(
  offset: number,
  iso: boolean,
  colon: boolean,
  seconds: boolean,
  hoursOnly = false,
): string {
  if (iso && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let out = sign + pad(h, 2);
  if (hoursOnly) return out;
  out += (colon ? ':' : '') + pad(m, 2);
  if (seconds) out += (colon ? ':' : '') + pad(s, 2);
  return out;
}

/** time.Time.Format */
export function formatLayout(t: GoTime, layout: string): string {
  const f = t.fields();
  let out = '';
  for (const c of splitLayout(layout)) {
    if ('lit' in c) {
      out += c.lit;
    } else if ('std' in c) {
      switch (c.std) {
        case 'January':
          out += LONG_MONTHS[f.month - 1];
          break;
        case 'Jan':
          out += LONG_MONTHS[f.month - 1].slice(0, 3);
          break;
        case 'Monday':
          out += LONG_DAYS[f.weekday];
          break;
        case 'Mon':
          out += LONG_DAYS[f.weekday].slice(0, 3);
          break;
        case 'MST':
        case 'tz':
          out += f.abbrev !== '' ? f.abbrev : formatOffset(f.offset, false, false, false);
          break;
        case '1':
          out += f.month;
          break;
        case '01':
          out += pad(f.month, 2);
          break;
        case '2':
          out += f.day;
          break;
        case '_2':
          out += pad(f.day, 2, ' ');
          break;
        case '02':
          out += pad(f.day, 2);
          break;
        case '__2':
          out += pad(f.yearDay, 3, ' ');
          break;
        case '002':
          out += pad(f.yearDay, 3);
          break;
        case '15':
          out += pad(f.hour, 2);
          break;
        case '3':
          out += f.hour % 12 === 0 ? 12 : f.hour % 12;
          break;
        case '03':
          out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
          break;
        case '4':
          out += f.minute;
          break;
        case '04':
          out += pad(f.minute, 2);
          break;
        case '5':
          out += f.second;
          break;
        case '05':
          out += pad(f.second, 2);
          break;
        case '06':
          out += pad(((f.year % 100) + 100) % 100, 2);
          break;
        case '2006':
          out += f.year < 0 ? '-' + pad(-f.year, 4) : pad(f.year, 4);
          break;
        case 'PM':
          out += f.hour >= 12 ? 'PM' : 'AM';
          break;
        case 'pm':
          out += f.hour >= 12 ? 'pm' : 'am';
          break;
      }
    } else if ('frac' in c) {
      let digits = pad(f.nanosecond, 9).slice(0, c.frac);
      if (c.trim) digits = digits.replace(/0+$/, '');
      if (digits !== '') out += c.sep + digits;
    } else {
      out += formatOffset(f.offset, c.iso, c.colon, c.seconds, c.hoursOnly);
    }
  }
  return out;
}

/** time.ParseInLocation (time.Parse is this with UTC). */
export function parseLayout(layout: string, value: string, zone: Zone): GoTime {
  const failure = (elem: string, rest: string, msg = ''): never =>
    fault(
      `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(rest)} as ${goQuote(elem)}${msg}`,
    );
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  let abbrev: string | undefined;
  let yday = -1;
  let rest = value;
  const num = (elem: string, min: number, max: number): number => {
    const m = new RegExp(`^[0-9]{${min},${max}}`).exec(rest);
    if (!m) failure(elem, rest);
    rest = rest.slice(m![0].length);
    return Number(m![0]);
  };
  for (const c of splitLayout(layout)) {
    if ('lit' in c) {
      if (!rest.startsWith(c.lit)) failure(c.lit, rest);
      rest = rest.slice(c.lit.length);
    } else if ('std' in c) {
      switch (c.std) {
        case 'January':
        case 'Jan': {
          const names = c.std === 'January' ? LONG_MONTHS : LONG_MONTHS.map((n) => n.slice(0, 3));
          const idx = names.findIndex((n) => rest.toLowerCase().startsWith(n.toLowerCase()));
          if (idx < 0) failure(c.text, rest);
          rest = rest.slice(names[idx].length);
          month = idx + 1;
          break;
        }
        case 'Monday':
        case 'Mon': {
          const names = c.std === 'Monday' ? LONG_DAYS : LONG_DAYS.map((n) => n.slice(0, 3));
          const idx = names.findIndex((n) => rest.toLowerCase().startsWith(n.toLowerCase()));
          if (idx < 0) failure(c.text, rest);
          rest = rest.slice(names[idx].length);
          break;
        }
        case 'MST':
        case 'tz': {
          const m = /^(UTC|GMT([+-][0-9]{1,2})?|[A-Z]{3,5}|[+-][0-9]{2,4})/.exec(rest);
          if (!m) failure(c.text, rest);
          abbrev = m![0];
          rest = rest.slice(m![0].length);
          break;
        }
        case '1':
        case '01':
          month = num(c.text, c.std === '01' ? 2 : 1, 2);
          if (month < 1 || month > 12) failure(c.text, rest, ': month out of range');
          break;
        case '2':
        case '02':
          day = num(c.text, c.std === '02' ? 2 : 1, 2);
          break;
        case '_2':
          if (rest.startsWith(' ')) rest = rest.slice(1);
          day = num(c.text, 1, 2);
          break;
        case '__2':
        case '002':
          rest = c.std === '__2' ? rest.replace(/^ {1,2}/, '') : rest;
          yday = num(c.text, c.std === '002' ? 3 : 1, 3);
          break;
        case '15':
          hour = num(c.text, 2, 2);
          break;
        case '3':
        case '03':
          hour = num(c.text, c.std === '03' ? 2 : 1, 2);
          if (hour > 12) failure(c.text, rest, ': hour out of range');
          break;
        case '4':
        case '04':
          minute = num(c.text, c.std === '04' ? 2 : 1, 2);
          break;
        case '5':
        case '05':
          second = num(c.text, c.std === '05' ? 2 : 1, 2);
          // Go accepts a fractional second after the seconds field even when the layout has none.
          if (/^[.,][0-9]/.test(rest)) {
            const m = /^[.,]([0-9]+)/.exec(rest)!;
            nanos = Number(m[1].slice(0, 9).padEnd(9, '0'));
            rest = rest.slice(m[0].length);
          }
          break;
        case '06': {
          const y = num(c.text, 2, 2);
          year = y >= 69 ? 1900 + y : 2000 + y;
          break;
        }
        case '2006': {
          const m = /^[0-9]{4}/.exec(rest);
          if (!m) failure(c.text, rest);
          year = Number(m![0]);
          rest = rest.slice(4);
          break;
        }
        case 'PM':
        case 'pm': {
          const m = /^(AM|PM|am|pm)/.exec(rest);
          if (!m) failure(c.text, rest);
          pm = m![0].toUpperCase() === 'PM';
          rest = rest.slice(2);
          break;
        }
      }
    } else if ('frac' in c) {
      const m = new RegExp(`^[.,]([0-9]{${c.trim ? 1 : c.frac},${c.trim ? 9 : c.frac}})`).exec(rest);
      if (!m) {
        if (c.trim) continue;
        failure(c.sep + '0'.repeat(c.frac), rest);
      }
      nanos = Number(m![1].slice(0, 9).padEnd(9, '0'));
      rest = rest.slice(m![0].length);
    } else {
      if (c.iso && rest.startsWith('Z')) {
        offset = 0;
        rest = rest.slice(1);
        continue;
      }
      const re = c.hoursOnly
        ? /^([+-])([0-9]{2})/
        : c.colon
          ? c.seconds
            ? /^([+-])([0-9]{2}):([0-9]{2}):([0-9]{2})/
            : /^([+-])([0-9]{2}):([0-9]{2})/
          : c.seconds
            ? /^([+-])([0-9]{2})([0-9]{2})([0-9]{2})/
            : /^([+-])([0-9]{2})([0-9]{2})/;
      const m = re.exec(rest);
      if (!m) failure(c.tz, rest);
      const secs = Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0);
      offset = m![1] === '-' ? -secs : secs;
      rest = rest.slice(m![0].length);
    }
  }
  if (rest !== '') fault(`parsing time ${goQuote(value)}: extra text: ${goQuote(rest)}`);
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    else if (!pm && hour === 12) hour = 0;
  }
  if (yday >= 0) {
    const d = new Date(0);
    d.setUTCFullYear(year, 0, yday);
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  const daysIn = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day < 1 || day > (month === 2 ? (leap ? 29 : 28) : daysIn)) {
    fault(`parsing time ${goQuote(value)}: day out of range`);
  }
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, Math.floor(nanos / 1_000_000));
  const wallMs = wall.getTime();
  const subNs = nanos % 1_000_000;
  if (offset !== undefined) {
    const z: Zone = offset === 0 && zone.kind === 'utc' ? UTC : { kind: 'fixed', name: '', offset };
    return new GoTime(wallMs - offset * 1000, subNs, z);
  }
  if (abbrev !== undefined) {
    if (abbrev === 'UTC' || abbrev === 'GMT') return new GoTime(wallMs, subNs, UTC);
    const fixed = /^[+-][0-9]+$/.exec(abbrev);
    if (fixed) {
      const v = Number(abbrev);
      const secs = Math.abs(v) >= 100 ? Math.trunc(v / 100) * 3600 + (v % 100) * 60 : v * 3600;
      return new GoTime(wallMs - secs * 1000, subNs, { kind: 'fixed', name: abbrev, offset: secs });
    }
    // An abbreviation the location does not know: Go fabricates a zero-offset zone with that name.
    return new GoTime(wallMs, subNs, { kind: 'fixed', name: abbrev, offset: 0 });
  }
  // Wall clock in `zone`: find the instant whose offset makes it read this wall time.
  let guess = wallMs - offsetAt(zone, wallMs) * 1000;
  guess = wallMs - offsetAt(zone, guess) * 1000;
  return new GoTime(guess, subNs, zone);
}

export function timeMethod(t: GoTime, name: string): ((...args: unknown[]) => unknown) | undefined {
  const f = (): WallClock => t.fields();
  const asTime = (v: unknown): GoTime =>
    v instanceof GoTime ? v : fault(`cannot use ${String(v)} as time.Time`);
  switch (name) {
    case 'Year':
      return () => BigInt(f().year);
    case 'Month':
      return () => BigInt(f().month);
    case 'Day':
      return () => BigInt(f().day);
    case 'Hour':
      return () => BigInt(f().hour);
    case 'Minute':
      return () => BigInt(f().minute);
    case 'Second':
      return () => BigInt(f().second);
    case 'Nanosecond':
      return () => BigInt(f().nanosecond);
    case 'Weekday':
      return () => BigInt(f().weekday);
    case 'YearDay':
      return () => BigInt(f().yearDay);
    case 'Unix':
      return () => BigInt(Math.floor(t.ms / 1000));
    case 'UnixMilli':
      return () => BigInt(t.ms);
    case 'UnixMicro':
      return () => t.epochNs / 1000n;
    case 'UnixNano':
      return () => t.epochNs;
    case 'Format':
      return (layout: unknown) => formatLayout(t, String(layout));
    case 'String':
      return () => t.toString();
    case 'UTC':
      return () => new GoTime(t.ms, t.subNs, UTC);
    case 'Local':
      return () => new GoTime(t.ms, t.subNs, LOCAL);
    case 'In':
      return (loc: unknown) =>
        new GoTime(
          t.ms,
          t.subNs,
          loc instanceof GoLocation ? loc.zone : fault('time.In: argument is not a location'),
        );
    case 'Location':
      return () => new GoLocation(t.zone);
    case 'Add':
      return (d: unknown) =>
        GoTime.fromEpochNs(t.epochNs + (d instanceof GoDuration ? d.ns : BigInt(d as bigint)), t.zone);
    case 'Sub':
      return (u: unknown) => new GoDuration(t.epochNs - asTime(u).epochNs);
    case 'AddDate':
      return (y: unknown, m: unknown, d: unknown) => {
        const w = f();
        const wall = new Date(0);
        wall.setUTCFullYear(w.year + Number(y), w.month - 1 + Number(m), w.day + Number(d));
        wall.setUTCHours(w.hour, w.minute, w.second, Math.floor(w.nanosecond / 1e6));
        const ms = wall.getTime() - offsetAt(t.zone, wall.getTime()) * 1000;
        return new GoTime(ms, t.subNs, t.zone);
      };
    case 'Before':
      return (u: unknown) => t.epochNs < asTime(u).epochNs;
    case 'After':
      return (u: unknown) => t.epochNs > asTime(u).epochNs;
    case 'Equal':
      return (u: unknown) => t.epochNs === asTime(u).epochNs;
    case 'IsZero':
      return () => t.ms === ZERO_TIME_MS && t.subNs === 0;
    case 'Truncate':
      return (d: unknown) => {
        const unit = d instanceof GoDuration ? d.ns : 0n;
        if (unit <= 0n) return t;
        const ns = t.epochNs - ZERO_TIME_NS;
        return GoTime.fromEpochNs(t.epochNs - (((ns % unit) + unit) % unit), t.zone);
      };
  }
  return undefined;
}

// Go's zero time is January 1, year 1, 00:00:00 UTC.
const ZERO_TIME_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d.getTime();
})();
const ZERO_TIME_NS = BigInt(ZERO_TIME_MS) * NS_PER_MS;

/** Go's %q for strings: a double-quoted literal with Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}
