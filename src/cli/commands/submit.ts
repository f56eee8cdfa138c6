import type { Command } from 'commander';
import { addFlags, WORKFLOW_OUTPUTS, type FlagSpec } from '../flags.js';

export const SUBMIT_FLAGS: FlagSpec[] = [
  {
    long: 'dry-run',
    type: 'bool',
    description: 'show the workflow as it would be created, without creating it',
  },
  { long: 'entrypoint', type: 'string', description: 'template to start from instead of spec.entrypoint' },
  {
    long: 'from',
    type: 'string',
    valueName: 'kind/name',
    description: 'submit from a stored resource, e.g. --from=workflowtemplate/my-template or cronwf/my-cron',
  },
  { long: 'generate-name', type: 'string', description: 'set metadata.generateName' },
  {
    long: 'labels',
    short: 'l',
    type: 'string',
    description: 'labels to add, as NAME=VALUE,NAME2=VALUE2 (replacing same-named ones)',
  },
  { long: 'log', type: 'bool', description: 'print the logs of the workflow until it completes' },
  { long: 'name', type: 'string', description: 'set metadata.name' },
  {
    long: 'node-field-selector',
    type: 'string',
    description: 'only show nodes matching this field selector, e.g. phase=Failed',
  },
  {
    long: 'output',
    short: 'o',
    type: 'string',
    enum: WORKFLOW_OUTPUTS,
    description: 'output format: name, json, yaml or wide',
  },
  {
    long: 'parameter',
    short: 'p',
    type: 'stringArray',
    description: 'set a workflow parameter, as NAME=VALUE (repeatable)',
  },
  {
    long: 'parameter-file',
    short: 'f',
    type: 'string',
    description: 'YAML or JSON file of parameter values',
  },
  { long: 'priority', type: 'int', valueName: 'int32', description: 'set spec.priority' },
  {
    long: 'scheduled-time',
    type: 'string',
    description: 'set workflow.scheduledTime (RFC3339), e.g. for backfills',
  },
  {
    long: 'server-dry-run',
    type: 'bool',
    description: 'have the server admit the workflow without storing it',
  },
  { long: 'serviceaccount', type: 'string', description: 'service account for the pods of the workflow' },
  {
    long: 'status',
    type: 'string',
    description:
      'with --watch, only show nodes in this phase (Pending, Running, Succeeded, Skipped, Failed, Error)',
  },
  { long: 'strict', type: 'bool', default: true, description: 'reject unknown fields' },
  {
    long: 'wait',
    short: 'w',
    type: 'bool',
    description: 'wait until the workflow completes; exit 1 if it failed',
  },
  { long: 'watch', type: 'bool', description: 'show the workflow as it runs, until it completes' },
];

export interface SubmitFlags {
  dryRun?: boolean;
  entrypoint?: string;
  from?: string;
  generateName?: string;
  labels?: string;
  log?: boolean;
  name?: string;
  nodeFieldSelector?: string;
  output?: string;
  parameter?: string[];
  parameterFile?: string;
  priority?: number;
  scheduledTime?: string;
  serverDryRun?: boolean;
  serviceaccount?: string;
  status?: string;
  strict?: boolean;
  wait?: boolean;
  watch?: boolean;
}

export function registerSubmit(program: Command): void {
  const cmd = program
    .command('submit')
    .description('submit a workflow')
    .usage('[FILE... | --from `kind/name] [flags]')
    .argument('[files...]');
  addFlags(cmd, SUBMIT_FLAGS);
  cmd.action(async (files: string[], opts: SubmitFlags, self: Command) => {
    const { runSubmit } = await import('./submit-run.js');
    await runSubmit(self, files, opts);
  });
}
