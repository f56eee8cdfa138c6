import type { Command } from 'commander';
import { addFlags } from '../flags.js';
import type { SelectorFlags } from './lifecycle-shared.js';

interface StopFlags extends SelectorFlags {
  dryRun?: boolean;
  message?: string;
  nodeFieldSelector?: string;
}

export function registerStop(program: Command): void {
  const cmd = program
    .command('stop')
    .description('stop zero or more workflows allowing all exit handlers to run')
    .usage('WORKFLOW WORKFLOW2... [flags]')
    .argument('[workflows...]');
  addFlags(cmd, [
    { long: 'dry-run', type: 'bool', description: 'print the workflows that would be stopped, stop none' },
    {
      long: 'field-selector',
      type: 'string',
      description: "stop the workflows this field selector lists, e.g. metadata.name=my-wf ('=', '==', '!=')",
    },
    {
      long: 'message',
      type: 'string',
      description: 'with --node-field-selector, the message the stopped nodes get',
    },
    {
      long: 'node-field-selector',
      type: 'string',
      description: 'fail only the suspend nodes this selects instead of stopping the workflow',
    },
    {
      long: 'selector',
      short: 'l',
      type: 'string',
      description: "stop the workflows with these labels, e.g. -l key1=value1,key2!=value2 ('=', '==', '!=')",
    },
  ]);
  cmd.action(async (names: string[], o: StopFlags, self: Command) => {
    const { FlagError } = await import('../flags.js');
    const shared = await import('./lifecycle-shared.js');
    if (names.length === 0 && !shared.hasSelector(o))
      throw new FlagError('requires either selector or workflow');
    const { withClient, namespaceOf, out } = await import('../context.js');
    await withClient(
      self,
      async (client, g) => {
        shared.checkNodeFieldSelector(o.nodeFieldSelector);
        const refs = shared.onceEach(
          await shared.selectedWorkflows(client, namespaceOf(client, g), names, o),
        );
        for (const ref of refs) {
          if (o.dryRun) {
            await out(`workflow ${ref.name} stopped (dry-run)\n`);
            continue;
          }
          const wf = await client.stopWorkflow(ref.namespace, ref.name, {
            nodeFieldSelector: o.nodeFieldSelector,
            message: o.message,
          });
          await out(`workflow ${wf.metadata.name ?? ref.name} stopped\n`);
        }
      },
      { engine: 'detached' },
    );
  });
}
