import type { Command } from 'commander';
import { setExamples } from '../help.js';

export function registerCompletion(program: Command): void {
  const cmd = program
    .command('completion')
    .summary('output shell completion code for bash, zsh or fish')
    .description(
      'output shell completion code for bash, zsh or fish\n\nThe scripts complete commands, flags, -o values and the names of workflows, templates and\ncron workflows the current backend knows.',
    )
    .usage('SHELL [flags]')
    .argument('<shell>');
  setExamples(
    cmd,
    `  # bash: this shell, then every new one
  source <(argo completion bash)
  argo completion bash > /etc/bash_completion.d/argo

  # zsh
  argo completion zsh > "\${fpath[1]}/_argo"

  # fish
  argo completion fish > ~/.config/fish/completions/argo.fish`,
  );
  cmd.action(async (shell: string) => {
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
