// `argo retry`: the named or selected Failed/Error workflows run again from their failed nodes.
import type { Command } from 'commander';
import type { Workflow } from '../../model/workflow.js';
import { namespaceOf, withClient } from '../context.js';
import { FlagError } from '../flags.js';
import {
  checkNodeFieldSelector,
  checkOutputFlag,
  hasSelector,
  onceEach,
  printWorkflow,
  selectedWorkflows,
  waitWatchOrLog,
} from './lifecycle-shared.js';
import type { RetryFlags } from './retry.js';

export async function runRetry(cmd: Command, names: string[], o: RetryFlags): Promise<void> {
  checkOutputFlag(o.output);
  if (names.length === 0 && !hasSelector(o))
    throw new FlagError('requires either node field selector or workflow');
  await withClient(
    cmd,
    async (client, g) => {
      checkNodeFieldSelector(o.nodeFieldSelector);
      const refs = onceEach(await selectedWorkflows(client, namespaceOf(client, g), names, o));
      let last: Workflow | undefined;
      for (const ref of refs) {
        last = await client.retryWorkflow(ref.namespace, ref.name, {
          restartSuccessful: o.restartSuccessful,
          nodeFieldSelector: o.nodeFieldSelector,
          parameters: o.parameter,
        });
        await printWorkflow(last, o.output);
      }
      // Following is for a single workflow only.
      if (refs.length === 1 && last) {
        await waitWatchOrLog(
          client,
          { name: last.metadata.name ?? '', namespace: last.metadata.namespace ?? '' },
          o,
        );
      }
    },
    { engine: o.wait || o.watch || o.log ? 'in-process' : 'detached' },
  );
}
