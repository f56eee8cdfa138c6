import type { Command } from 'commander';
import { addFlags } from '../flags.js';
import type { SelectorFlags } from './lifecycle-shared.js';

export function registerTerminate(program: Command): void {
  const cmd = program
    .command('terminate')
    .description('terminate zero or more workflows immediately')
    .usage('WORKFLOW WORKFLOW2... [flags]')
    .argument('[workflows...]');
  addFlags(cmd, [
    {
      long: 'dry-run',
      type: 'bool',
      description: 'print the workflows that would be terminated, terminate none',
    },
    {
      long: 'field-selector',
      type: 'string',
      description:
        "terminate the workflows this field selector lists, e.g. metadata.name=my-wf ('=', '==', '!=')",
    },
    {
      long: 'selector',
      short: 'l',
      type: 'string',
      description:
        "terminate the workflows with these labels, e.g. -l key1=value1,key2!=value2 ('=', '==', '!=')",
    },
  ]);
  cmd.action(async (names: string[], o: SelectorFlags & { dryRun?: boolean }, self: Command) => {
    const { FlagError } = await import('../flags.js');
    const shared = await import('./lifecycle-shared.js');
    if (names.length === 0 && !shared.hasSelector(o))
      throw new FlagError('requires either selector or workflow');
    const { withClient, namespaceOf, out } = await import('../context.js');
    await withClient(
      self,
      async (client, g) => {
        const ns = namespaceOf(client, g);
        // As in Argo, a selector replaces the names given rather than adding to them.
        const refs = shared.hasSelector(o)
          ? await shared.selectedWorkflows(client, ns, [], o)
          : names.map((name) => ({ name, namespace: ns }));
        for (const ref of refs) {
          if (o.dryRun) {
            await out(`workflow ${ref.name} terminated (dry-run)\n`);
            continue;
          }
          const wf = await client.terminateWorkflow(ref.namespace, ref.name);
          await out(`workflow ${wf.metadata.name ?? ref.name} terminated\n`);
        }
      },
      { engine: 'detached' },
    );
  });
}
