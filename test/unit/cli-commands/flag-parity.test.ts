// Every command and flag of the Go argo CLI (test/fixtures/upstream/argo-cli.json) is accepted by our
// parser under the same name and short form, and `--help` shows it with the same type and default.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { helpText } from '../../../src/cli/help.js';
import { flagSpecOf } from '../../../src/cli/flags.js';
import { readUpstreamJson } from '../../helpers/upstream.js';

interface RefFlag {
  short: string | null;
  long: string;
  type: string;
  default: string | null;
}
interface RefCommand {
  command: string;
  flags: RefFlag[];
}

const reference = readUpstreamJson<{ commands: RefCommand[] }>('argo-cli.json');

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

/** A program whose commands do nothing when run, and whose errors are collected instead of printed. */
function quietProgram(): { program: Command; errors: string[] } {
  const program = buildProgram();
  const errors: string[] = [];
  for (const c of allCommands(program)) {
    c.action(() => undefined);
    c.configureOutput({ writeOut: () => undefined, writeErr: (s) => errors.push(s) });
  }
  return { program, errors };
}

function find(program: Command, words: string[]): Command | undefined {
  let cmd: Command | undefined = program;
  for (const w of words) {
    cmd = cmd?.commands.find((c) => c.name() === w || c.aliases().includes(w));
  }
  return cmd;
}

function sampleValue(type: string): string | undefined {
  if (type === 'bool') return undefined;
  if (['int', 'int32', 'uint'].includes(type)) return '1';
  if (type === 'float32') return '1.5';
  if (type === 'duration') return '1s';
  return 'x';
}

/** Parses `argo <words> <flag> [value] <required args>`; returns the error text, '' when accepted. */
async function parses(words: string[], flag: string, type: string): Promise<string> {
  const { program, errors } = quietProgram();
  const cmd = find(program, words);
  if (!cmd) return 'no such command';
  // A flag with a fixed set of values gets one of them.
  const opt = [cmd, ...(cmd.parent ? [cmd.parent, program] : [])]
    .flatMap((c) => c.options)
    .find((o) => o.long === flag || o.short === flag);
  const value = (opt && flagSpecOf(opt)?.enum?.[0]) ?? sampleValue(type);
  const required = cmd.registeredArguments.filter((a) => a.required).map(() => 'arg');
  const argv = [...words, flag, ...(value === undefined ? [] : [value]), ...required];
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.help') return '';
    return errors.join('').split('\n')[0] || (err as Error).message;
  }
  return '';
}

interface HelpFlag {
  short: string;
  varname: string;
  dflt: string;
}

/** The flag lines of a command's `--help` (Flags and Global Flags), by long name. */
function helpFlags(cmd: Command): Map<string, HelpFlag> {
  const flags = new Map<string, HelpFlag>();
  for (const line of helpText(cmd).split('\n')) {
    const m = /^ {2}(?:-(\w), | {4})--([\w-]+)(?: (\S+))? {3,}.*?(?: \(default (.*)\))?$/.exec(line);
    if (m) flags.set(m[2], { short: m[1] ?? '', varname: m[3] ?? '', dflt: m[4] ?? '' });
  }
  return flags;
}

describe('argo-cli.json parity', () => {
  it('accepts every command and flag with the same short form, type and default', async () => {
    const failures: string[] = [];
    let passed = 0;
    const check = (ok: boolean, what: string): void => {
      if (ok) passed++;
      else failures.push(what);
    };
    for (const ref of reference.commands) {
      const words = ref.command.split(' ').slice(1);
      const { program } = quietProgram();
      const cmd = find(program, words);
      check(cmd !== undefined, `${ref.command}: command missing`);
      if (!cmd) continue;
      // Upstream lists each of these in its parent's help, so none may be hidden.
      if (cmd.parent) {
        const listed = helpText(cmd.parent).includes(`\n  ${cmd.name()} `);
        check(listed, `${ref.command}: not listed in the help of its parent`);
      }
      const shown = helpFlags(cmd);
      for (const f of ref.flags) {
        const where = `${ref.command} --${f.long}`;
        const help = shown.get(f.long);
        check(help !== undefined, `${where}: not in --help`);
        if (help) {
          const varname = f.type === 'bool' ? '' : f.type;
          check(
            help.short === (f.short ?? ''),
            `${where}: short -${help.short} in help, -${f.short} upstream`,
          );
          check(help.varname === varname, `${where}: type "${help.varname}" in help, "${varname}" upstream`);
          check(
            help.dflt === (f.default ?? ''),
            `${where}: default ${help.dflt} in help, ${f.default} upstream`,
          );
        }
        if (f.long === 'help') continue;
        const long = await parses(words, `--${f.long}`, f.type);
        check(long === '', `${where}: ${long}`);
        if (f.short) {
          const short = await parses(words, `-${f.short}`, f.type);
          check(short === '', `${ref.command} -${f.short}: ${short}`);
        }
      }
    }
    console.log(`${passed} passed, ${failures.length} failed${failures.map((f) => `\n  ${f}`).join('')}`);
    expect(failures).toEqual([]);
  }, 120_000);

  it('rejects an unknown flag the way cobra does', async () => {
    const { program, errors } = quietProgram();
    await expect(program.parseAsync(['list', '--bogus'], { from: 'user' })).rejects.toThrow();
    expect(errors[0]).toBe('Error: unknown flag: --bogus\n');
    expect(errors.join('')).toContain('Usage:\n  argo list [flags]\n');
  });
});
