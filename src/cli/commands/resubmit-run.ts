// `argo resubmit`: new workflows from the named or selected ones.
import type { Command } from 'commander';
import type { Workflow } from '../../model/workflow.js';
import { namespaceOf, withClient } from '../context.js';
import {
  checkOutputFlag,
  onceEach,
  printWorkflow,
  selectedWorkflows,
  waitWatchOrLog,
} from './lifecycle-shared.js';
import type { ResubmitFlags } from './resubmit.js';

export async function runResubmit(cmd: Command, names: string[], o: ResubmitFlags): Promise<void> {
  checkOutputFlag(o.output);
  await withClient(
    cmd,
    async (client, g) => {
      const refs = onceEach(await selectedWorkflows(client, namespaceOf(client, g), names, o));
      let last: Workflow | undefined;
      for (const ref of refs) {
        last = await client.resubmitWorkflow(ref.namespace, ref.name, {
          memoized: o.memoized,
          parameters: o.parameter,
        });
        await printWorkflow(last, o.output);
      }
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
