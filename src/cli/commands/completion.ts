import type { Command } from 'commander';

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('output shell completion code for bash, zsh or fish')
    .usage('SHELL [flags]')
    .argument('<shell>')
    .action(async (shell: string) => {
      const { completionScript, SHELLS } = await import('../completion/scripts.js');
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new Error(`shell ${shell} is not supported`);
      }
      const { out } = await import('../context.js');
      await out(completionScript(shell as 'bash' | 'zsh' | 'fish'));
    });
  program
    .command('__complete', { hidden: true })
    .description('print completion candidates for a partial command line')
    .argument('[words...]')
    .allowUnknownOption(true)
    .helpOption(false)
    .action(async (words: string[]) => {
      const { complete } = await import('../completion/complete.js');
      const { listNames } = await import('../completion/names.js');
      const c = complete(program, words.length === 0 ? [''] : words);
      let candidates = c.candidates;
      if (c.names) {
        const current = words[words.length - 1] ?? '';
        candidates = (await listNames(c.names).catch(() => [])).filter((n) => n.startsWith(current));
      }
      const { out } = await import('../context.js');
      await out(
        `${candidates.join('\n')}${candidates.length ? '\n' : ''}:${c.files ? 'files' : 'nofiles'}\n`,
      );
    });
}
