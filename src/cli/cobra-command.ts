// commander's Command, with cobra's words where the argument count is wrong or a command is unknown:
// scripts and users grep for these texts from the Go argo CLI.
import { Command, CommanderError } from 'commander';
import { commandPath, visibleCommands } from './help.js';
import { suggestionsFor } from './suggest.js';

export class CobraCommand extends Command {
  override createCommand(name?: string): Command {
    return new CobraCommand(name);
  }

  /** Too few arguments: commander names the missing one; cobra counts them. */
  missingArgument(): never {
    this.error(`error: ${argCountMessage(this)}`, { code: 'commander.missingArgument' });
  }

  /** Called by commander (a private hook) when more arguments are given than the command declares. */
  _excessArguments(received: string[]): void {
    if ((this as unknown as { _allowExcessArguments: boolean })._allowExcessArguments) return;
    if (this.commands.length > 0) {
      // A group: cobra checks the command name at the root only; a group prints its help.
      if (this.parent) this.help();
      throw unknownCommand(this, received[0]);
    }
    this.error(`error: ${argCountMessage(this)}`, { code: 'commander.excessArguments' });
  }
}

/** The message of the cobra argument validator that matches the command's declared arguments. */
function argCountMessage(cmd: Command): string {
  const declared = cmd.registeredArguments;
  const received = cmd.args.length;
  const min = declared.filter((a) => a.required).length;
  if (declared.at(-1)?.variadic) return `requires at least ${min} arg(s), only received ${received}`;
  if (min === declared.length) return `accepts ${min} arg(s), received ${received}`;
  if (min === 0) return `accepts at most ${declared.length} arg(s), received ${received}`;
  return `accepts between ${min} and ${declared.length} arg(s), received ${received}`;
}

/** cobra's unknown-command error, printed as cobra's Execute prints it, then exit 1. */
function unknownCommand(root: Command, typed: string): CommanderError {
  const path = commandPath(root);
  const suggestions = suggestionsFor(
    typed,
    visibleCommands(root).map((c) => c.name()),
  );
  const didYouMean =
    suggestions.length > 0 ? `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}` : '';
  const message = `unknown command ${JSON.stringify(typed)} for ${JSON.stringify(path)}${didYouMean}`;
  process.stderr.write(`Error: ${message}\nRun '${path} --help' for usage.\n`);
  return new CommanderError(1, 'argo.unknownCommand', message);
}
