// `argo retry`: the named or selected Failed/Error workflows run again from their failed nodes.
import type { Command } from 'commander';
import { FlagError } from '../flags.js';
import { checkNodeFieldSelector, checkOutputFlag, hasSelector, rerunWorkflows } from './lifecycle-shared.js';
import type { RetryFlags } from './retry.js';

export async function runRetry(cmd: Command, names: string[], o: RetryFlags): Promise<void> {
  checkOutputFlag(o.output);
  if (names.length === 0 && !hasSelector(o))
    throw new FlagError('requires either node field selector or workflow');
  checkNodeFieldSelector(o.nodeFieldSelector);
  await rerunWorkflows(cmd, names, o, (client, ref) =>
    client.retryWorkflow(ref.namespace, ref.name, {
      restartSuccessful: o.restartSuccessful,
      nodeFieldSelector: o.nodeFieldSelector,
      parameters: o.parameter,
    }),
  );
}
