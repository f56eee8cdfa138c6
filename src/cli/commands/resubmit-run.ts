// `argo resubmit`: new workflows from the named or selected ones.
import type { Command } from 'commander';
import { checkOutputFlag, rerunWorkflows } from './lifecycle-shared.js';
import type { ResubmitFlags } from './resubmit.js';

export async function runResubmit(cmd: Command, names: string[], o: ResubmitFlags): Promise<void> {
  checkOutputFlag(o.output);
  await rerunWorkflows(cmd, names, o, (client, ref) =>
    client.resubmitWorkflow(ref.namespace, ref.name, { memoized: o.memoized, parameters: o.parameter }),
  );
}
