// `argo sync`: semaphore limits (keys of ConfigMaps, or rows of the synchronization database, which
// the local backend keeps in $ARGO_HOME/sync.db unless its controller configuration names another).
import type { Command } from 'commander';
import { addFlags, type FlagSpec } from '../../flags.js';
import { setExamples } from '../../help.js';

export interface SyncFlags {
  cmName?: string;
  limit?: number;
  type?: string;
}

const CM_NAME: FlagSpec = {
  long: 'cm-name',
  type: 'string',
  description: 'ConfigMap that holds the limit (needed with --type configmap)',
};
const TYPE: FlagSpec = {
  long: 'type',
  type: 'string',
  description: 'where the limit is kept: configmap or database (required)',
};
const LIMIT: FlagSpec = {
  long: 'limit',
  type: 'int32',
  description: 'how many holders the semaphore admits at once (required)',
};

const lazy = () => import('./run.js');

export function registerSync(program: Command): void {
  const group = program.command('sync').description('manage semaphore limits').usage('[flags]');
  group.action(() => group.outputHelp());

  const verbs: {
    name: 'create' | 'get' | 'update' | 'delete';
    description: string;
    flags: FlagSpec[];
    example: string;
  }[] = [
    {
      name: 'create',
      description: 'add a semaphore limit',
      flags: [CM_NAME, LIMIT, TYPE],
      example: `  # Let at most three workflows hold the "gpu" semaphore of ConfigMap my-limits
  argo sync create gpu --type configmap --cm-name my-limits --limit 3

  # Let at most two hold the database semaphore "template" (semaphores: [{database: {key: template}}])
  argo sync create template --type database --limit 2`,
    },
    {
      name: 'get',
      description: 'show a semaphore limit',
      flags: [CM_NAME, TYPE],
      example: `  # Show the "gpu" limit
  argo sync get gpu --type configmap --cm-name my-limits`,
    },
    {
      name: 'update',
      description: 'change an existing semaphore limit',
      flags: [CM_NAME, LIMIT, TYPE],
      example: `  # Raise the "gpu" limit to five
  argo sync update gpu --type configmap --cm-name my-limits --limit 5`,
    },
    {
      name: 'delete',
      description: 'remove a semaphore limit',
      flags: [CM_NAME, TYPE],
      example: `  # Remove the "gpu" key from ConfigMap my-limits
  argo sync delete gpu --type configmap --cm-name my-limits`,
    },
  ];
  for (const v of verbs) {
    const cmd = group.command(v.name).description(v.description).usage('KEY [flags]').argument('<key>');
    addFlags(cmd, v.flags);
    setExamples(cmd, v.example);
    cmd.action(async (key: string, o: SyncFlags, self: Command) => {
      await (await lazy()).runSync(self, v.name, key, o);
    });
  }
}
