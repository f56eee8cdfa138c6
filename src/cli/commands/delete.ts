import type { Command } from 'commander';
import { addFlags } from '../flags.js';
import type { ListFlags } from './list.js';

interface DeleteFlags extends ListFlags {
  all?: boolean;
  dryRun?: boolean;
  force?: boolean;
  queryChunkSize?: number;
}

export function registerDelete(program: Command): void {
  const cmd = program
    .command('delete')
    .description('delete workflows')
    .usage(
      '[--dry-run] [WORKFLOW...|[--all] [--older] [--completed] [--resubmitted] [--prefix PREFIX] [--selector SELECTOR] [--force] [--status STATUS] ] [flags]',
    )
    .argument('[workflows...]');
  addFlags(cmd, [
    { long: 'all', type: 'bool', description: 'delete every workflow' },
    { long: 'all-namespaces', short: 'A', type: 'bool', description: 'delete from every namespace' },
    { long: 'completed', type: 'bool', description: 'delete completed workflows' },
    { long: 'dry-run', type: 'bool', description: 'print what would be deleted without deleting' },
    {
      long: 'field-selector',
      type: 'string',
      description: "field selector, e.g. metadata.name=my-wf (supports '=', '==' and '!=')",
    },
    { long: 'force', type: 'bool', description: 'remove finalizers so the workflows go at once' },
    {
      long: 'older',
      type: 'string',
      description: 'delete workflows that finished longer ago than this, e.g. 10m, 3h, 1d',
    },
    { long: 'prefix', type: 'string', description: 'delete workflows whose name starts with this' },
    {
      long: 'query-chunk-size',
      type: 'int',
      description: 'list in pages of this many (each delete is still one request)',
    },
    { long: 'resubmitted', type: 'bool', description: 'delete resubmitted workflows' },
    {
      long: 'selector',
      short: 'l',
      type: 'string',
      description: "label selector, e.g. -l key1=value1,key2=value2 (supports '=', '==' and '!=')",
    },
    { long: 'status', type: 'strings', description: 'delete workflows in these phases (comma separated)' },
  ]);
  cmd.action(async (names: string[], o: DeleteFlags, self: Command) => {
    const hasFilter =
      o.all ||
      o.allNamespaces ||
      o.completed ||
      o.resubmitted ||
      o.prefix ||
      o.selector ||
      o.fieldSelector ||
      o.older ||
      (o.status?.length ?? 0) > 0;
    if (names.length === 0 && !hasFilter) {
      process.stderr.write('Error: requires either a workflow or other argument\n');
      const { ExitError } = await import('../context.js');
      throw new ExitError(1);
    }
    const { withClient, namespaceOf, out } = await import('../context.js');
    const { listWorkflows } = await import('./list-run.js');
    await withClient(
      self,
      async (client, g) => {
        const ns = o.allNamespaces ? '' : namespaceOf(client, g);
        const targets: { name: string; namespace: string }[] = names.map((name) => ({
          name,
          namespace: ns || namespaceOf(client, g),
        }));
        if (hasFilter) {
          const listed = await listWorkflows(client, ns, { ...o, chunkSize: o.queryChunkSize });
          for (const wf of listed)
            targets.push({ name: wf.metadata.name ?? '', namespace: wf.metadata.namespace ?? ns });
        }
        if (targets.length === 0) {
          await out('No resources found\n');
          return;
        }
        for (const t of targets) {
          if (o.dryRun) {
            await out(`Workflow '${t.name}' deleted (dry-run)\n`);
            continue;
          }
          try {
            await client.deleteWorkflow(t.namespace, t.name);
          } catch (err) {
            if ((err as { status?: number }).status === 404) {
              await out(`Workflow '${t.name}' not found\n`);
              continue;
            }
            throw err;
          }
          await out(`Workflow '${t.name}' deleted\n`);
        }
      },
      { engine: 'none' },
    );
  });
}
