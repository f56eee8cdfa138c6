// Help laid out as cobra lays it out for the Go argo CLI: description, Usage, Aliases, Examples,
// Available Commands, Flags, Global Flags, and the closing pointer to `[command] --help`. Flag lines
// follow pflag's FlagUsages: `-o, --output string   text (default "x")`, sorted by name.
import type { Command, Option } from 'commander';
import { flagSpecOf, pflagDefault, type FlagSpec } from './flags.js';

const examples = new WeakMap<Command, string>();

/** Examples shown under `Examples:`; each line is printed as given (indent it by two spaces). */
export function setExamples(cmd: Command, text: string): Command {
  examples.set(cmd, text.replace(/^\n+|\s+$/g, ''));
  return cmd;
}

function isHidden(cmd: Command): boolean {
  return (cmd as unknown as { _hidden?: boolean })._hidden === true;
}

function helpOptionOf(cmd: Command): Option | undefined {
  return (cmd as unknown as { _getHelpOption(): Option | null })._getHelpOption() ?? undefined;
}

/** The visible subcommands, sorted by name as cobra sorts them. */
export function visibleCommands(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !isHidden(c)).sort((a, b) => (a.name() < b.name() ? -1 : 1));
}

/** The one-line summary shown in a parent's command list. */
export function shortDescription(cmd: Command): string {
  return (cmd.summary() || cmd.description()).split('\n')[0].trim();
}

/** The full command path, e.g. `argo template create`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** cobra's UseLine: the path, the usage given to the command, and `[flags]`. */
export function useLine(cmd: Command): string {
  const given = (cmd as unknown as { _usage?: string })._usage;
  // Without a usage of its own, name the arguments as cobra's Use lines do: FILE..., [POD].
  const usage =
    given ??
    cmd.registeredArguments
      .map((a) => {
        const n = `${a.name().toUpperCase()}${a.variadic ? '...' : ''}`;
        return a.required ? n : `[${n}]`;
      })
      .join(' ');
  const line = usage ? `${commandPath(cmd)} ${usage}` : commandPath(cmd);
  return line.includes('[flags]') ? line : `${line} [flags]`;
}

interface FlagRow {
  name: string;
  short?: string;
  varname: string;
  usage: string;
  dflt: string;
}

function specFromOption(o: Option): FlagSpec {
  const m = /<([^>]+)>/.exec(o.flags);
  const value = o.defaultValue as FlagSpec['default'];
  const type = m ? 'string' : 'bool';
  return {
    long: (o.long ?? o.short ?? '').replace(/^-+/, ''),
    short: o.long && o.short ? o.short.replace(/^-/, '') : undefined,
    type,
    valueName: m?.[1],
    description: o.description,
    default: value,
  };
}

function rowOf(o: Option, cmdName: string, isHelp: boolean): FlagRow {
  if (isHelp) return { name: 'help', short: 'h', varname: '', usage: `help for ${cmdName}`, dflt: '' };
  const spec = flagSpecOf(o) ?? specFromOption(o);
  return {
    name: spec.long,
    short: spec.short,
    varname: spec.type === 'bool' ? '' : (spec.valueName ?? spec.type),
    usage: spec.description,
    dflt: pflagDefault(spec),
  };
}

/** pflag's FlagUsages: names padded to one column, then the usage and its default. */
export function formatFlagRows(rows: FlagRow[]): string {
  const sorted = [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const heads = sorted.map((r) => {
    const names = r.short ? `  -${r.short}, --${r.name}` : `      --${r.name}`;
    return r.varname ? `${names} ${r.varname}` : names;
  });
  const width = Math.max(0, ...heads.map((h) => h.length));
  return sorted
    .map((r, i) => {
      const dflt = r.dflt ? ` (default ${r.dflt})` : '';
      return `${heads[i].padEnd(width)}   ${r.usage}${dflt}`.trimEnd();
    })
    .join('\n');
}

function localRows(cmd: Command): FlagRow[] {
  const rows = cmd.options.filter((o) => !o.hidden).map((o) => rowOf(o, cmd.name(), false));
  if (helpOptionOf(cmd)) rows.push(rowOf(helpOptionOf(cmd)!, cmd.name(), true));
  return rows;
}

function globalRows(cmd: Command): FlagRow[] {
  const rows: FlagRow[] = [];
  for (let c = cmd.parent; c; c = c.parent) {
    for (const o of c.options) if (!o.hidden) rows.push(rowOf(o, c.name(), false));
  }
  return rows;
}

/** The `Usage:` block onwards: what cobra prints after an error and below the description in help. */
export function usageText(cmd: Command): string {
  const parts: string[] = [];
  const subs = visibleCommands(cmd);
  const isRoot = cmd.parent === null;
  const listed: { name(): string; short?: string }[] = [...subs];
  if (isRoot && subs.length > 0) listed.push({ name: () => 'help', short: 'help about any command' });
  listed.sort((a, b) => (a.name() < b.name() ? -1 : 1));
  let usage = 'Usage:';
  const runnable = (cmd as unknown as { _actionHandler?: unknown })._actionHandler !== undefined;
  if (runnable) usage += `\n  ${useLine(cmd)}`;
  if (subs.length > 0) usage += `\n  ${commandPath(cmd)} [command]`;
  parts.push(usage);
  if (cmd.aliases().length > 0) parts.push(`Aliases:\n  ${[cmd.name(), ...cmd.aliases()].join(', ')}`);
  const ex = examples.get(cmd);
  if (ex) parts.push(`Examples:\n${ex}`);
  if (listed.length > 0) {
    // cobra pads command names to at least 11 columns.
    const width = Math.max(11, ...listed.map((c) => c.name().length));
    const lines = listed.map((c) => {
      const short = c.short ?? shortDescription(c as Command);
      return `  ${c.name().padEnd(width)} ${short}`.trimEnd();
    });
    parts.push(`Available Commands:\n${lines.join('\n')}`);
  }
  const local = localRows(cmd);
  if (local.length > 0) parts.push(`Flags:\n${formatFlagRows(local)}`);
  const global = globalRows(cmd);
  if (global.length > 0) parts.push(`Global Flags:\n${formatFlagRows(global)}`);
  if (subs.length > 0)
    parts.push(`Use "${commandPath(cmd)} [command] --help" for more information about a command.`);
  return `${parts.join('\n\n')}\n`;
}

/** The whole `--help` text. */
export function helpText(cmd: Command): string {
  const description = cmd.description().replace(/\s+$/, '');
  return description ? `${description}\n\n${usageText(cmd)}` : usageText(cmd);
}
