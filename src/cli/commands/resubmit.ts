import type { Command } from 'commander';
import { addFlags } from '../flags.js';
import { RERUN_FLAGS, sortedFlags, type RerunFlags } from './retry.js';

export interface ResubmitFlags extends RerunFlags {
  memoized?: boolean;
  priority?: number;
}

export function registerResubmit(program: Command): void {
  const cmd = program
    .command('resubmit')
    .description('resubmit one or more workflows')
    .usage('[WORKFLOW...] [flags]')
    .argument('[workflows...]');
  addFlags(
    cmd,
    sortedFlags([
      ...RERUN_FLAGS,
      {
        long: 'memoized',
        type: 'bool',
        description:
          'keep the succeeded steps of the old run and their outputs (Failed/Error workflows only)',
      },
      // Argo accepts it but its resubmit request has no field for it; kept so scripts that pass it work.
      {
        long: 'priority',
        type: 'int',
        valueName: 'int32',
        description: 'priority (accepted, not applied, as in Argo)',
      },
    ]),
  );
  cmd.action(async (names: string[], o: ResubmitFlags, self: Command) => {
    const { runResubmit } = await import('./resubmit-run.js');
    await runResubmit(self, names, o);
  });
}
