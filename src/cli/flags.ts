// Flags as Argo's Go CLI (cobra/pflag) declares them, registered on commander commands: boolean
// flags accept `--flag=false`, repeated and comma-separated lists, and env defaults.
import { Command, Option } from 'commander';

export type FlagType = 'bool' | 'string' | 'int' | 'stringArray' | 'strings' | 'duration';

export interface FlagSpec {
  long: string;
  short?: string;
  type: FlagType;
  description: string;
  /** Default as the Go flag declares it. */
  default?: string | number | boolean | string[];
  hidden?: boolean;
  /** Placeholder shown in help, e.g. `kind/name`. */
  valueName?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function collectCommaSeparated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];
}

function parseIntFlag(long: string) {
  return (value: string): number => {
    if (!/^[+-]?\d+$/.test(value.trim()))
      throw new FlagError(
        `invalid argument "${value}" for "--${long}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`,
      );
    return Number(value);
  };
}

export class FlagError extends Error {}

export function addFlags(cmd: Command, flags: FlagSpec[]): Command {
  for (const f of flags) {
    const names = `${f.short ? `-${f.short}, ` : ''}--${f.long}`;
    let opt: Option;
    switch (f.type) {
      case 'bool':
        opt = new Option(names, f.description);
        if (f.default === true) opt.default(true);
        cmd.addOption(f.hidden ? opt.hideHelp() : opt);
        // `--flag=false` is rewritten to `--no-flag` before parsing (see normalizeArgv).
        cmd.addOption(new Option(`--no-${f.long}`).hideHelp());
        continue;
      case 'int':
        opt = new Option(`${names} <${f.valueName ?? 'int'}>`, f.description).argParser(parseIntFlag(f.long));
        break;
      case 'stringArray':
        opt = new Option(`${names} <${f.valueName ?? 'stringArray'}>`, f.description).argParser(collect);
        break;
      case 'strings':
        opt = new Option(`${names} <${f.valueName ?? 'strings'}>`, f.description).argParser(
          collectCommaSeparated,
        );
        break;
      default:
        opt = new Option(`${names} <${f.valueName ?? f.type}>`, f.description);
    }
    if (f.default !== undefined && f.default !== '') opt.default(f.default);
    cmd.addOption(f.hidden ? opt.hideHelp() : opt);
  }
  return cmd;
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
