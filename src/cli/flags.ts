// Flags as Argo's Go CLI (cobra/pflag) declares them, registered on commander commands: boolean
// flags accept `--flag=false`, repeated and comma-separated lists, and env defaults.
import { Command, Option } from 'commander';

export type FlagType =
  'bool' | 'string' | 'int' | 'int32' | 'uint' | 'float32' | 'stringArray' | 'strings' | 'duration';

export interface FlagSpec {
  long: string;
  short?: string;
  type: FlagType;
  description: string;
  /** Default as the Go flag declares it. */
  default?: string | number | boolean | string[];
  hidden?: boolean;
  /** Placeholder shown in help, e.g. `kind/name`; defaults to the type's name as pflag shows it. */
  valueName?: string;
  /** The only values a string flag takes, checked while parsing as upstream's EnumFlagValue does. */
  enum?: string[];
}

// The spec each option was made from, so help can print it the way pflag does.
const specs = new WeakMap<Option, FlagSpec>();

export function flagSpecOf(opt: Option): FlagSpec | undefined {
  return specs.get(opt);
}

/** pflag replaces a list flag's default on first use and appends afterwards; commander hands us the default. */
function listParser(split: boolean, dflt: unknown) {
  return (value: string, previous: string[] | undefined): string[] => {
    const base = previous === undefined || previous === dflt ? [] : previous;
    return [...base, ...(split ? value.split(',').filter((v) => v !== '') : [value])];
  };
}

function parseIntFlag(long: string, type: FlagType) {
  return (value: string): number => {
    const bad = !/^[+-]?\d+$/.test(value.trim()) || (type === 'uint' && value.trim().startsWith('-'));
    if (bad) {
      const fn = type === 'uint' ? 'ParseUint' : 'ParseInt';
      throw new FlagError(
        `invalid argument "${value}" for "--${long}" flag: strconv.${fn}: parsing "${value}": invalid syntax`,
      );
    }
    return Number(value);
  };
}

function parseFloatFlag(long: string) {
  return (value: string): number => {
    const n = Number(value.trim());
    if (value.trim() === '' || Number.isNaN(n))
      throw new FlagError(
        `invalid argument "${value}" for "--${long}" flag: strconv.ParseFloat: parsing "${value}": invalid syntax`,
      );
    return n;
  };
}

export class FlagError extends Error {}

function enumParser(f: FlagSpec) {
  const allowed = f.enum ?? [];
  const name = f.short ? `-${f.short}, --${f.long}` : `--${f.long}`;
  return (value: string): string => {
    if (!allowed.includes(value))
      throw new FlagError(`invalid argument "${value}" for "${name}" flag: One of: ${allowed.join('|')}`);
    return value;
  };
}

/** `-o` as most upstream commands declare it. */
export const WORKFLOW_OUTPUTS = ['name', 'json', 'yaml', 'wide'];

export function addFlags(cmd: Command, flags: FlagSpec[]): Command {
  for (const f of flags) {
    const names = `${f.short ? `-${f.short}, ` : ''}--${f.long}`;
    const placeholder = `<${f.valueName ?? f.type}>`;
    let opt: Option;
    switch (f.type) {
      case 'bool':
        opt = new Option(names, f.description);
        // Commander reads `--no-x` as the negation of `x`; pflag's `--no-color` is a flag of its own.
        opt.negate = false;
        if (f.default === true) opt.default(true);
        specs.set(opt, f);
        cmd.addOption(f.hidden ? opt.hideHelp() : opt);
        // `--flag=false` is rewritten to `--no-flag` before parsing (see normalizeArgv).
        cmd.addOption(new Option(`--no-${f.long}`).hideHelp());
        continue;
      case 'int':
      case 'int32':
      case 'uint':
        opt = new Option(`${names} ${placeholder}`, f.description).argParser(parseIntFlag(f.long, f.type));
        break;
      case 'float32':
        opt = new Option(`${names} ${placeholder}`, f.description).argParser(parseFloatFlag(f.long));
        break;
      case 'stringArray':
        opt = new Option(`${names} ${placeholder}`, f.description).argParser(listParser(false, f.default));
        break;
      case 'strings':
        opt = new Option(`${names} ${placeholder}`, f.description).argParser(listParser(true, f.default));
        break;
      default:
        opt = new Option(`${names} ${placeholder}`, f.description);
        if (f.enum) opt.argParser(enumParser(f));
    }
    if (f.default !== undefined && f.default !== '') opt.default(f.default);
    specs.set(opt, f);
    cmd.addOption(f.hidden ? opt.hideHelp() : opt);
  }
  return cmd;
}

/** The `(default ...)` pflag appends to a flag's usage, or '' when the default is the zero value. */
export function pflagDefault(f: FlagSpec): string {
  const d = f.default;
  if (d === undefined || d === '' || d === false || d === 0) return '';
  if (Array.isArray(d)) return d.length === 0 ? '' : `[${d.join(',')}]`;
  if (f.type === 'string') return JSON.stringify(String(d));
  if (f.type === 'duration' && (d === '0s' || d === '0')) return '';
  return String(d);
}

/**
 * pflag lets booleans take `=true`/`=false`; commander does not. Rewrite those forms for the
 * boolean flags we know, leaving everything after `--` untouched.
 */
export function normalizeArgv(argv: string[], boolFlags: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let rest = false;
  for (const arg of argv) {
    if (rest || arg === '--') {
      rest = true;
      out.push(arg);
      continue;
    }
    const m = /^--([a-z0-9][a-z0-9-]*)=(.*)$/i.exec(arg);
    if (m && boolFlags.has(m[1])) {
      const v = m[2].toLowerCase();
      if (v === 'true' || v === '1' || v === 't') out.push(`--${m[1]}`);
      else if (v === 'false' || v === '0' || v === 'f') out.push(`--no-${m[1]}`);
      else
        throw new FlagError(
          `invalid argument "${m[2]}" for "--${m[1]}" flag: strconv.ParseBool: parsing "${m[2]}": invalid syntax`,
        );
      continue;
    }
    out.push(arg);
  }
  return out;
}
