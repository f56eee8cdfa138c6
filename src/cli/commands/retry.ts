import type { Command } from 'commander';
import { addFlags, type FlagSpec } from '../flags.js';
import type { FollowFlags, SelectorFlags } from './lifecycle-shared.js';

export interface RerunFlags extends FollowFlags, SelectorFlags {
  parameter?: string[];
}

export interface RetryFlags extends RerunFlags {
  nodeFieldSelector?: string;
  restartSuccessful?: boolean;
}

/** Flags retry and resubmit share: what they select, -p, and how to follow the rerun. */
export const RERUN_FLAGS: FlagSpec[] = [
  {
    long: 'field-selector',
    type: 'string',
    description: "act on the workflows this field selector lists, e.g. metadata.name=my-wf ('=', '==', '!=')",
  },
  { long: 'log', type: 'bool', description: 'print the logs of the workflow until it completes' },
  {
    long: 'output',
    short: 'o',
    type: 'string',
    description: 'print the workflow as: name, json, yaml or wide',
  },
  {
    long: 'parameter',
    short: 'p',
    type: 'stringArray',
    description: 'replace a workflow argument, as NAME=VALUE (repeatable)',
  },
  {
    long: 'selector',
    short: 'l',
    type: 'string',
    description: "act on the workflows with these labels, e.g. -l key1=value1,key2!=value2 ('=', '==', '!=')",
  },
  {
    long: 'wait',
    short: 'w',
    type: 'bool',
    description: 'wait until the workflow completes; exit 1 if it failed (one workflow only)',
  },
  {
    long: 'watch',
    type: 'bool',
    description: 'show the workflow as it runs, until it completes (one workflow only)',
  },
];

/** What only retry adds (also `argo archive retry`). */
export const RETRY_FLAGS: FlagSpec[] = [
  {
    long: 'node-field-selector',
    type: 'string',
    description: 'with --restart-successful, the succeeded nodes to run again, e.g. displayName=build',
  },
  {
    long: 'restart-successful',
    type: 'bool',
    description: 'also run again the succeeded nodes --node-field-selector matches',
  },
];

/**
 * Help lists flags by name, as cobra does: byte order, as Go's sort.Strings. (localeCompare would
 * set up ICU collation, some 10 ms of every start-up, since this runs when the commands register.)
 */
export const sortedFlags = (flags: FlagSpec[]): FlagSpec[] =>
  [...flags].sort((a, b) => (a.long < b.long ? -1 : a.long > b.long ? 1 : 0));

export function registerRetry(program: Command): void {
  const cmd = program
    .command('retry')
    .description('retry zero or more workflows')
    .usage('[WORKFLOW...] [flags]')
    .argument('[workflows...]');
  addFlags(cmd, sortedFlags([...RERUN_FLAGS, ...RETRY_FLAGS]));
  cmd.action(async (names: string[], o: RetryFlags, self: Command) => {
    const { runRetry } = await import('./retry-run.js');
    await runRetry(self, names, o);
  });
}
