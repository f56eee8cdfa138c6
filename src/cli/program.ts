// The argo command tree. Command modules only declare flags here; what they do is imported when
// they run, so `argo --help` and `argo version` stay fast.
import { type Command, CommanderError } from 'commander';
import { CobraCommand } from './cobra-command.js';
import { addFlags, FlagError, normalizeArgv, type FlagSpec } from './flags.js';
import { ExitError, globalOptions, isDebug } from './context.js';
import { GLOBAL_FLAGS } from './global-flags.js';
import { commandsFor } from './commands/index.js';
import { Interrupted } from './interrupt.js';
import { helpText, usageText } from './help.js';

const ROOT_DESCRIPTION = `argo is the command line interface to Argo Workflows.

It talks to one of three backends, chosen in this order:

  Argo Server     when --argo-server or ARGO_SERVER is set (host:port, no scheme). Add
                  ARGO_SECURE=false for plain HTTP, ARGO_INSECURE_SKIP_VERIFY=true for a
                  self-signed certificate, ARGO_TOKEN='Bearer ...' to authenticate and
                  ARGO_BASE_HREF=/argo when the server sits under a path.
  Kubernetes API  when a kubeconfig is found (KUBECONFIG, ~/.kube/config or in-cluster).
  Local           otherwise, or with ARGO_LOCAL=true: workflows run on this machine and are
                  kept under ARGO_HOME, no cluster needed.

ARGO_NAMESPACE sets the default namespace.`;

/**
 * The argo command tree. Given the command line's first word, only the command it names is
 * registered (see commandsFor); without one, every command.
 */
export function buildProgram(commandWord?: string): Command {
  const program = new CobraCommand('argo');
  // Set before any subcommand is made: commander copies these settings into each one.
  let afterError = false;
  program
    .description(ROOT_DESCRIPTION)
    .usage('[flags]')
    .helpOption('-h, --help', 'help for argo')
    .helpCommand('help [command]', 'help about any command')
    .showSuggestionAfterError(true)
    .showHelpAfterError(true)
    .configureHelp({
      prepareContext(ctx: { error?: boolean }) {
        afterError = ctx.error === true;
      },
      // cobra prints the usage (not the description) after a usage error.
      formatHelp: (cmd) => (afterError ? `${usageText(cmd)}\n` : helpText(cmd)),
    })
    .configureOutput({
      outputError: (str, write) => write(cobraStyleError(str)),
      // Commander puts a blank line between an error and the usage; cobra does not.
      writeErr: (str) => {
        if (str !== '\n') process.stderr.write(str);
      },
    })
    .exitOverride();
  addFlags(program, GLOBAL_FLAGS);
  for (const { register } of commandsFor(commandWord)) register(program);
  program.action(() => {
    program.outputHelp();
  });
  program.hook('preAction', async (_root, action) => {
    const g = globalOptions(action);
    if (!isDebug(g)) return;
    const { logCliVersion } = await import('./debug-log.js');
    await logCliVersion(g.logFormat);
  });
  return program;
}

/**
 * The first word of a command line that is not a root flag or a root flag's value: the command
 * it runs. Undefined when there is none, or when a flag it cannot read comes first (the value a
 * flag unknown to the root takes, if any, is not known here).
 */
export function commandWordOf(args: string[]): string | undefined {
  const takesValue = (spec: FlagSpec) => spec.type !== 'bool';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--' || arg === '-') return undefined;
    if (!arg.startsWith('-')) return arg;
    if (arg.startsWith('--')) {
      const [name, value] = arg.slice(2).split(/=(.*)/s, 2);
      const spec = GLOBAL_FLAGS.find((f) => f.long === name);
      if (!spec) return undefined;
      if (value === undefined && takesValue(spec)) i++;
      continue;
    }
    // -k, -n ns, -nns, or a cluster of short flags (-kn ns) whose last may take a value.
    for (let j = 1; j < arg.length; j++) {
      const spec = GLOBAL_FLAGS.find((f) => f.short === arg[j]);
      if (!spec) return undefined;
      if (!takesValue(spec)) continue;
      if (j === arg.length - 1) i++;
      break;
    }
  }
  return undefined;
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
  const program = buildProgram(commandWordOf(argv.slice(2)));
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
    if (err instanceof Interrupted) {
      process.stderr.write(`Error: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof FlagError) {
      process.stderr.write(`Error: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    // A command's RunE error, as cobra prints it for argo v4: `Error: ` and the message as it is,
    // so Kubernetes' `"NAME" not found` keeps its quotes unescaped.
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

export type { FlagSpec };
