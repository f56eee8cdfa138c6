// The argo command tree. Command modules only declare flags here; what they do is imported when
// they run, so `argo --help` and `argo version` stay fast.
import { Command, CommanderError } from 'commander';
import { addFlags, FlagError, normalizeArgv, type FlagSpec } from './flags.js';
import { ExitError, formatFatal } from './context.js';
import { GLOBAL_FLAGS } from './global-flags.js';
import { COMMANDS } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('argo');
  program
    .description('argo is the command line interface to Argo')
    .usage('[flags]')
    .helpOption('-h, --help', 'help for argo')
    .addHelpCommand(false)
    .showSuggestionAfterError(true)
    .configureOutput({
      outputError: (str, write) => write(cobraStyleError(str)),
    })
    .exitOverride();
  addFlags(program, GLOBAL_FLAGS);
  for (const register of COMMANDS) register(program);
  program.action(() => {
    program.outputHelp();
  });
  return program;
}

/** Every boolean flag name anywhere in the tree, for `--flag=false` handling. */
function booleanFlags(cmd: Command, acc = new Set<string>()): Set<string> {
  for (const o of cmd.options) {
    if (!o.required && !o.optional && o.long && !o.negate) acc.add(o.long.replace(/^--/, ''));
  }
  for (const c of cmd.commands) booleanFlags(c, acc);
  return acc;
}

/** Commander says `error: unknown option '--x'`; cobra says `Error: unknown flag: --x`. */
function cobraStyleError(str: string): string {
  const line = str.trim().split('\n')[0];
  const unknown = /unknown option '([^']+)'/.exec(line);
  if (unknown) return `Error: unknown flag: ${unknown[1]}\n`;
  const missing = /option '([^']+)' argument missing/.exec(line);
  if (missing) return `Error: flag needs an argument: ${missing[1].split(/[ ,]+/).pop()}\n`;
  return `Error: ${line.replace(/^error:\s*/, '')}\n`;
}

export async function runProgram(argv: string[]): Promise<void> {
  const program = buildProgram();
  let args: string[];
  try {
    args = normalizeArgv(argv.slice(2), booleanFlags(program));
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version requests end with exit code 0; usage errors were already printed.
      process.exitCode = err.exitCode === 0 || err.code === 'commander.helpDisplayed' ? 0 : 1;
      return;
    }
    if (err instanceof ExitError) {
      process.exitCode = err.code;
      return;
    }
    if (err instanceof FlagError) {
      process.stderr.write(`Error: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`${formatFatal(err)}\n`);
    process.exitCode = 1;
  }
}

export type { FlagSpec };
