import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export function registerWatch(program: Command): void {
  const cmd = program
    .command('watch')
    .description('watch a workflow until it completes')
    .usage('WORKFLOW [flags]')
    .argument('<workflow>');
  addFlags(cmd, [
    {
      long: 'node-field-selector',
      type: 'string',
      description: 'only show nodes matching this field selector, e.g. phase=Failed',
    },
    {
      long: 'status',
      type: 'string',
      description: 'only show nodes in this phase (Pending, Running, Succeeded, Skipped, Failed, Error)',
    },
  ]);
  cmd.action(async (name: string, o: { nodeFieldSelector?: string; status?: string }, self: Command) => {
    const { withClient, namespaceOf } = await import('../context.js');
    const { watchWorkflow } = await import('../follow.js');
    await withClient(
      self,
      async (client, g) => {
        const ns = namespaceOf(client, g);
        await watchWorkflow(client, ns, name, o, await client.getWorkflow(ns, name));
      },
      { engine: 'in-process' },
    );
  });
}
