import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export function registerWait(program: Command): void {
  const cmd = program
    .command('wait')
    .description('waits for workflows to complete')
    .usage('[WORKFLOW...] [flags]')
    .argument('[workflows...]');
  addFlags(cmd, [
    { long: 'ignore-not-found', type: 'bool', description: 'do not fail when a workflow does not exist' },
  ]);
  cmd.action(async (names: string[], o: { ignoreNotFound?: boolean }, self: Command) => {
    const { withClient, namespaceOf, ExitError } = await import('../context.js');
    const { waitWorkflows } = await import('../follow.js');
    await withClient(
      self,
      async (client, g) => {
        const ok = await waitWorkflows(client, namespaceOf(client, g), names, {
          ignoreNotFound: o.ignoreNotFound,
        });
        if (!ok) throw new ExitError(1);
      },
      { engine: 'in-process' },
    );
  });
}
