// `argo cron`: create, get, list, update, delete, suspend, resume, lint and backfill cron workflows.
import type { Command } from 'commander';
import { addFlags, type FlagSpec } from '../../flags.js';

/** The submit-style overrides `cron create` and `cron update` share. */
const OVERRIDE_FLAGS: FlagSpec[] = [
  { long: 'entrypoint', type: 'string', description: 'template the workflows start from' },
  { long: 'generate-name', type: 'string', description: 'set metadata.generateName of the cron workflow' },
  {
    long: 'labels',
    short: 'l',
    type: 'string',
    description: 'labels for the workflows it creates, as NAME=VALUE,NAME2=VALUE2',
  },
  { long: 'name', type: 'string', description: 'set metadata.name of the cron workflow' },
  { long: 'output', short: 'o', type: 'string', description: 'output format: name, json, yaml or wide' },
  {
    long: 'parameter',
    short: 'p',
    type: 'stringArray',
    description: 'set a workflow argument, as NAME=VALUE (repeatable)',
  },
  {
    long: 'parameter-file',
    short: 'f',
    type: 'string',
    description: 'YAML or JSON file of workflow argument values',
  },
  { long: 'serviceaccount', type: 'string', description: 'service account for the pods of its workflows' },
  { long: 'strict', type: 'bool', default: true, description: 'reject unknown fields' },
];

export interface CronOverrideFlags {
  entrypoint?: string;
  generateName?: string;
  labels?: string;
  name?: string;
  output?: string;
  parameter?: string[];
  parameterFile?: string;
  serviceaccount?: string;
  strict?: boolean;
  schedule?: string;
}

export interface BackfillFlags {
  argname: string;
  end?: string;
  format: string;
  maxworkflowcount: number;
  name?: string;
  parallel?: boolean;
  start?: string;
}

const lazy = () => import('./run.js');

export function registerCron(program: Command): void {
  const group = program
    .command('cron')
    .description(
      'manage cron workflows\n\nNext scheduled times are worked out as if the workflow controller ran in UTC',
    )
    .usage('[flags]');
  group.action(() => group.outputHelp());

  const create = group
    .command('create')
    .description('create a cron workflow')
    .usage('FILE1 FILE2... [flags]')
    .argument('<files...>');
  addFlags(create, [
    ...OVERRIDE_FLAGS,
    { long: 'schedule', type: 'string', description: 'run on this schedule instead of the ones in the file' },
  ]);
  create.action(async (files: string[], o: CronOverrideFlags, self: Command) => {
    await (await lazy()).createCronWorkflows(self, files, o);
  });

  const get = group
    .command('get')
    .description('display details about a cron workflow')
    .usage('CRON_WORKFLOW... [flags]')
    .argument('<names...>');
  addFlags(get, [
    { long: 'output', short: 'o', type: 'string', description: 'output format: name, json, yaml or wide' },
  ]);
  get.action(async (names: string[], o: { output?: string }, self: Command) => {
    await (await lazy()).getCronWorkflows(self, names, o);
  });

  const list = group.command('list').description('list cron workflows').usage('[flags]');
  addFlags(list, [
    {
      long: 'all-namespaces',
      short: 'A',
      type: 'bool',
      description: 'list cron workflows of every namespace',
    },
    { long: 'output', short: 'o', type: 'string', description: 'output format: wide or name' },
    {
      long: 'selector',
      short: 'l',
      type: 'string',
      description: "label selector, e.g. -l key1=value1,key2=value2 (supports '=', '==' and '!=')",
    },
  ]);
  list.action(async (o: { allNamespaces?: boolean; output?: string; selector?: string }, self: Command) => {
    await (await lazy()).listCronWorkflows(self, o);
  });

  const update = group
    .command('update')
    .description('update a cron workflow')
    .usage('FILE1 FILE2... [flags]')
    .argument('<files...>');
  addFlags(update, OVERRIDE_FLAGS);
  update.action(async (files: string[], o: CronOverrideFlags, self: Command) => {
    await (await lazy()).updateCronWorkflows(self, files, o);
  });

  const del = group
    .command('delete')
    .description('delete a cron workflow')
    .usage('[CRON_WORKFLOW... | --all] [flags]')
    .argument('[names...]');
  addFlags(del, [{ long: 'all', type: 'bool', description: 'delete every cron workflow of the namespace' }]);
  del.action(async (names: string[], o: { all?: boolean }, self: Command) => {
    await (await lazy()).deleteCronWorkflows(self, names, o);
  });

  const suspend = group
    .command('suspend')
    .description('suspend zero or more cron workflows')
    .usage('CRON_WORKFLOW... [flags]')
    .argument('[names...]');
  suspend.action(async (names: string[], _o: unknown, self: Command) => {
    await (await lazy()).setCronWorkflowsSuspended(self, names, true);
  });

  const resume = group
    .command('resume')
    .description('resume zero or more cron workflows')
    .usage('[CRON_WORKFLOW...] [flags]')
    .argument('[names...]');
  resume.action(async (names: string[], _o: unknown, self: Command) => {
    await (await lazy()).setCronWorkflowsSuspended(self, names, false);
  });

  const lint = group
    .command('lint')
    .description('validate files or directories of cron workflow manifests')
    .usage('FILE... [flags]')
    .argument('<files...>');
  addFlags(lint, [
    {
      long: 'output',
      short: 'o',
      type: 'string',
      default: 'pretty',
      description: 'lint report format: pretty or simple',
    },
    { long: 'strict', type: 'bool', default: true, description: 'reject unknown fields' },
  ]);
  lint.action(async (files: string[], o: { output: string; strict?: boolean }, self: Command) => {
    (await lazy()).checkEnumFlag(o.output, ['pretty', 'simple']);
    const { runLint } = await import('../lint-run.js');
    await runLint(self, files, { output: o.output, strict: o.strict !== false, kinds: ['cronworkflows'] });
  });

  const backfill = group
    .command('backfill')
    .description('create a cron backfill(new alpha feature)')
    .usage('cronwf [flags]')
    .argument('[cronwf]')
    // Upstream declares no argument check here, so cobra takes any number and the first names the
    // cron workflow: `--parallel true` is the flag, then a word that is passed over.
    .allowExcessArguments();
  addFlags(backfill, [
    {
      long: 'argname',
      type: 'string',
      default: 'cronScheduleTime',
      description: 'name of the workflow argument that receives each scheduled time',
    },
    { long: 'end', type: 'string', description: 'last time to backfill up to (default: now)' },
    {
      long: 'format',
      type: 'string',
      default: 'Mon, 02 Jan 2006 15:04:05 MST',
      description: 'Go layout of --start, --end and the scheduled times passed to workflows',
    },
    {
      long: 'maxworkflowcount',
      type: 'int',
      default: 1000,
      description: 'most scheduled times one backfill workflow creates',
    },
    { long: 'name', type: 'string', description: 'name of the backfill (default: random)' },
    { long: 'parallel', type: 'bool', description: 'let the backfilled workflows run at the same time' },
    { long: 'start', type: 'string', description: 'first time to backfill from' },
  ]);
  backfill.action(async (cronwf: string | undefined, o: BackfillFlags, self: Command) => {
    if (!cronwf) {
      self.outputHelp();
      return;
    }
    const { backfillCronWorkflow } = await import('./backfill.js');
    await backfillCronWorkflow(self, cronwf, o);
  });
}
