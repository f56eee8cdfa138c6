// `argo archive`: completed workflows kept in the archive: the Argo Server's (with persistence), or the
// local backend's own.
import type { Command } from 'commander';
import { addFlags, WORKFLOW_OUTPUTS, type FlagSpec } from '../../flags.js';
import { setExamples } from '../../help.js';
import { RERUN_FLAGS, RETRY_FLAGS, sortedFlags } from '../retry.js';

export interface ArchiveIdFlags {
  name?: boolean;
  uid?: boolean;
}

const ID_FLAGS: FlagSpec[] = [
  { long: 'name', type: 'bool', description: 'treat the arguments as names, even when they look like uids' },
  { long: 'uid', type: 'bool', description: 'treat the arguments as uids' },
];

const SELECTOR: FlagSpec = {
  long: 'selector',
  short: 'l',
  type: 'string',
  description: "label selector, e.g. -l key1=value1,key2=value2 (supports '=', '==' and '!=')",
};

const lazy = () => import('./run.js');

export function registerArchive(program: Command): void {
  const group = program
    .command('archive')
    .description('work with workflows in the Argo Server archive')
    .usage('[flags]');
  group.action(() => group.outputHelp());

  const list = group.command('list').description('list archived workflows').usage('[flags]');
  addFlags(list, [
    { long: 'chunk-size', type: 'int', description: 'fetch the list in pages of this many (0: all at once)' },
    {
      long: 'output',
      short: 'o',
      type: 'string',
      default: 'wide',
      enum: WORKFLOW_OUTPUTS,
      description: 'output format: name, json, yaml or wide',
    },
    SELECTOR,
  ]);
  setExamples(
    list,
    `  # Archived workflows of the namespace with both labels
  argo archive list -l team=data,env=prod

  # Their names only
  argo archive list -o name`,
  );
  list.action(async (o: { chunkSize?: number; output: string; selector?: string }, self: Command) => {
    await (await lazy()).listArchive(self, o);
  });

  const get = group
    .command('get')
    .description('show an archived workflow')
    .usage('WORKFLOW [flags]')
    .argument('<workflow>');
  addFlags(get, [
    ...ID_FLAGS,
    {
      long: 'output',
      short: 'o',
      type: 'string',
      default: 'wide',
      enum: ['json', 'yaml', 'wide'],
      description: 'output format: json, yaml or wide',
    },
  ]);
  setExamples(
    get,
    `  # By name (a uid is recognised by its shape)
  argo archive get my-workflow

  # The whole record as YAML
  argo archive get 5e4e1b1c-8a53-4bb5-9d0e-0f3b1e2b8c11 -o yaml`,
  );
  get.action(async (id: string, o: ArchiveIdFlags & { output: string }, self: Command) => {
    await (await lazy()).getArchived(self, id, o);
  });

  const del = group
    .command('delete')
    .description('remove workflows from the archive')
    .usage('WORKFLOW... [flags]')
    .argument('<workflows...>');
  addFlags(del, ID_FLAGS);
  setExamples(
    del,
    `  # Remove two archived workflows
  argo archive delete my-workflow my-other-workflow`,
  );
  del.action(async (ids: string[], o: ArchiveIdFlags, self: Command) => {
    await (await lazy()).deleteArchived(self, ids, o);
  });

  const keys = group
    .command('list-label-keys')
    .description('list the label keys of archived workflows')
    .usage('[flags]');
  keys.action(async (_o: unknown, self: Command) => {
    await (await lazy()).listLabelKeys(self);
  });

  const values = group
    .command('list-label-values')
    .description('list the values one label key has on archived workflows')
    .usage('[flags]');
  addFlags(values, [
    {
      long: 'selector',
      short: 'l',
      type: 'string',
      description: 'the label key to list values of, e.g. -l workflows.argoproj.io/phase (required)',
    },
  ]);
  setExamples(
    values,
    `  # Which phases archived workflows ended in
  argo archive list-label-values -l workflows.argoproj.io/phase`,
  );
  values.action(async (o: { selector?: string }, self: Command) => {
    await (await lazy()).listLabelValues(self, o);
  });

  const resubmit = group
    .command('resubmit')
    .description('run archived workflows again as new workflows')
    .usage('[WORKFLOW...] [flags]')
    .argument('[workflows...]');
  addFlags(
    resubmit,
    sortedFlags([
      ...RERUN_FLAGS,
      ...ID_FLAGS,
      { long: 'memoized', type: 'bool', description: 'reuse the outputs of the steps that succeeded' },
      { long: 'priority', type: 'int32', description: 'priority of the new workflows' },
    ]),
  );
  setExamples(
    resubmit,
    `  # Run an archived workflow again and wait for it
  argo archive resubmit my-workflow --wait`,
  );
  resubmit.action(async (ids: string[], o: Record<string, unknown>, self: Command) => {
    await (await lazy()).rerunArchived(self, 'resubmit', ids, o);
  });

  const retry = group
    .command('retry')
    .description('retry failed archived workflows')
    .usage('[WORKFLOW...] [flags]')
    .argument('[workflows...]');
  addFlags(retry, sortedFlags([...RERUN_FLAGS, ...ID_FLAGS, ...RETRY_FLAGS]));
  setExamples(
    retry,
    `  # Retry every failed archived workflow labelled team=data
  argo archive retry -l team=data`,
  );
  retry.action(async (ids: string[], o: Record<string, unknown>, self: Command) => {
    await (await lazy()).rerunArchived(self, 'retry', ids, o);
  });
}
