import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export function registerResume(program: Command): void {
  const cmd = program
    .command('resume')
    .description('resume zero or more workflows (opposite of suspend)')
    .usage('WORKFLOW1 WORKFLOW2... [flags]')
    .argument('[workflows...]');
  addFlags(cmd, [
    {
      long: 'node-field-selector',
      type: 'string',
      description: 'resume only the suspend nodes this selects, e.g. displayName=approve',
    },
  ]);
  cmd.action(async (names: string[], o: { nodeFieldSelector?: string }, self: Command) => {
    const { FlagError } = await import('../flags.js');
    if (names.length === 0 && !o.nodeFieldSelector)
      throw new FlagError('requires either node field selector or workflow');
    const { withClient, namespaceOf, out } = await import('../context.js');
    const { checkNodeFieldSelector } = await import('./lifecycle-shared.js');
    await withClient(
      self,
      async (client, g) => {
        const ns = namespaceOf(client, g);
        checkNodeFieldSelector(o.nodeFieldSelector);
        for (const name of names) {
          try {
            await client.resumeWorkflow(ns, name, { nodeFieldSelector: o.nodeFieldSelector });
          } catch (err) {
            throw new Error(`failed to resume ${name}: ${(err as Error).message}`);
          }
          await out(`workflow ${name} resumed\n`);
        }
      },
      { engine: 'detached' },
    );
  });
}
