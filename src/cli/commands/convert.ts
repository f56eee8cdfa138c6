import type { Command } from 'commander';
import { addFlags } from '../flags.js';
import { setExamples } from '../help.js';

export function registerConvert(program: Command): void {
  const cmd = program
    .command('convert')
    .summary('upgrade manifests written for older Argo versions')
    .description(
      "upgrade manifests written for older Argo versions\n\nPrints each manifest with the singular synchronization.semaphore and .mutex moved into\nthe plural lists and a cron workflow's schedule moved into schedules.",
    )
    .usage('FILE... [flags]')
    .argument('<files...>');
  addFlags(cmd, [
    { long: 'no-color', type: 'bool', description: 'do not colour the output' },
    {
      long: 'output',
      short: 'o',
      type: 'string',
      default: 'yaml',
      enum: ['yaml', 'json'],
      description: 'output format: yaml or json',
    },
  ]);
  setExamples(
    cmd,
    `  # Upgrade every manifest under a folder
  argo convert ./manifests > upgraded.yaml

  # Upgrade what arrives on standard input, as JSON
  kubectl get cronwf my-cron -o yaml | argo convert - -o json`,
  );
  cmd.action(async (files: string[], o: { output: string }) => {
    const { runConvert } = await import('./convert-run.js');
    await runConvert(files, o.output === 'json' ? 'json' : 'yaml');
  });
}
