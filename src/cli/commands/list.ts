import type { Command } from 'commander';
import { addFlags, WORKFLOW_OUTPUTS } from '../flags.js';

export interface ListFlags {
  allNamespaces?: boolean;
  chunkSize?: number;
  completed?: boolean;
  fieldSelector?: string;
  noHeaders?: boolean;
  older?: string;
  output?: string;
  prefix?: string;
  resubmitted?: boolean;
  running?: boolean;
  selector?: string;
  since?: string;
  status?: string[];
}

export function registerList(program: Command): void {
  const cmd = program.command('list').description('list workflows').usage('[flags]');
  addFlags(cmd, [
    { long: 'all-namespaces', short: 'A', type: 'bool', description: 'list workflows of every namespace' },
    { long: 'chunk-size', type: 'int', description: 'fetch the list in pages of this many (0: all at once)' },
    { long: 'completed', type: 'bool', description: 'only completed workflows (not with --running)' },
    {
      long: 'field-selector',
      type: 'string',
      description: "field selector, e.g. metadata.name=my-wf (supports '=', '==' and '!=')",
    },
    { long: 'no-headers', type: 'bool', description: 'omit the header row' },
    {
      long: 'older',
      type: 'string',
      description: 'only workflows that finished longer ago than this, e.g. 10m, 3h, 1d',
    },
    {
      long: 'output',
      short: 'o',
      type: 'string',
      enum: WORKFLOW_OUTPUTS,
      description: 'output format: name, json, yaml or wide',
    },
    { long: 'prefix', type: 'string', description: 'only workflows whose name starts with this' },
    { long: 'resubmitted', type: 'bool', description: 'only resubmitted workflows' },
    { long: 'running', type: 'bool', description: 'only workflows still running (not with --completed)' },
    {
      long: 'selector',
      short: 'l',
      type: 'string',
      description: "label selector, e.g. -l key1=value1,key2=value2 (supports '=', '==' and '!=')",
    },
    { long: 'since', type: 'string', description: 'only workflows created within this long, e.g. 10m' },
    { long: 'status', type: 'strings', description: 'only workflows in these phases (comma separated)' },
  ]);
  cmd.action(async (o: ListFlags, self: Command) => {
    const { runList } = await import('./list-run.js');
    await runList(self, o);
  });
}
