import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export function registerGet(program: Command): void {
  const cmd = program
    .command('get')
    .description('display details about a workflow')
    .usage('WORKFLOW... [flags]')
    .argument('<workflows...>');
  addFlags(cmd, [
    { long: 'no-color', type: 'bool', description: 'do not colour the output' },
    { long: 'no-utf8', type: 'bool', description: 'draw with 7-bit ASCII only' },
    {
      long: 'node-field-selector',
      type: 'string',
      description: 'only show nodes matching this field selector, e.g. phase=Failed',
    },
    {
      long: 'output',
      short: 'o',
      type: 'string',
      enum: ['name', 'json', 'yaml', 'short', 'wide'],
      description: 'output format: name, json, yaml, short or wide',
    },
    {
      long: 'status',
      type: 'string',
      description: 'only show nodes in this phase (Pending, Running, Succeeded, Skipped, Failed, Error)',
    },
  ]);
  cmd.action(
    async (
      names: string[],
      o: {
        noColor?: boolean;
        noUtf8?: boolean;
        nodeFieldSelector?: string;
        output?: string;
        status?: string;
      },
      self: Command,
    ) => {
      const { withClient, namespaceOf, out } = await import('../context.js');
      const { archivedRecordNote, renderWorkflow } = await import('../follow.js');
      const { isArchivedRecord } = await import('../../workflow/archived-record.js');
      await withClient(
        self,
        async (client, g) => {
          const ns = namespaceOf(client, g);
          for (const name of names) {
            const wf = await client.getWorkflow(ns, name);
            // The server (or the local archive) answered with a record: say so beside the output.
            if (isArchivedRecord(wf)) process.stderr.write(archivedRecordNote(name, wf));
            await out(renderWorkflow(wf, o));
          }
        },
        { engine: 'none' },
      );
    },
  );
}
