import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export function registerLint(program: Command): void {
  const cmd = program
    .command('lint')
    .description('validate files or directories of manifests')
    .usage('FILE... [flags]')
    .argument('<files...>');
  addFlags(cmd, [
    {
      long: 'kinds',
      type: 'strings',
      default: ['all'],
      description:
        'kinds to lint: workflows, workflowtemplates, cronworkflows, clusterworkflowtemplates or all',
    },
    { long: 'no-color', type: 'bool', description: 'do not colour the output' },
    {
      long: 'offline',
      type: 'bool',
      description: 'resolve references only from the given files, without a server',
    },
    {
      long: 'output',
      short: 'o',
      type: 'string',
      default: 'pretty',
      enum: ['pretty', 'simple'],
      description: 'lint report format: pretty or simple',
    },
    { long: 'strict', type: 'bool', default: true, description: 'reject unknown fields' },
  ]);
  cmd.action(
    async (
      files: string[],
      o: { kinds: string[]; noColor?: boolean; offline?: boolean; output: string; strict?: boolean },
      self: Command,
    ) => {
      const { runLint } = await import('./lint-run.js');
      await runLint(self, files, {
        kinds: o.kinds,
        noColor: o.noColor,
        offline: o.offline,
        output: o.output,
        strict: o.strict !== false,
      });
    },
  );
}
