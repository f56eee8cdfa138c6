// `argo template` (WorkflowTemplates of a namespace) and `argo cluster-template` (cluster-wide
// ClusterWorkflowTemplates): the same verbs over two kinds.
import type { Command } from 'commander';
import { addFlags, WORKFLOW_OUTPUTS, type FlagSpec } from '../../flags.js';
import { setExamples } from '../../help.js';
import type { TemplateKind } from './kinds.js';

const lazy = () => import('./run.js');
const kinds = () => import('./kinds.js');

const STRICT: FlagSpec = {
  long: 'strict',
  type: 'bool',
  default: true,
  description: 'reject unknown fields',
};
const OUTPUT: FlagSpec = {
  long: 'output',
  short: 'o',
  type: 'string',
  enum: WORKFLOW_OUTPUTS,
  description: 'output format: name, json, yaml or wide',
};
const LINT_OUTPUT: FlagSpec = {
  long: 'output',
  short: 'o',
  type: 'string',
  default: 'pretty',
  enum: ['pretty', 'simple'],
  description: 'lint report format: pretty or simple',
};
const LIST_OUTPUT: FlagSpec = {
  long: 'output',
  short: 'o',
  type: 'string',
  enum: ['wide', 'name'],
  description: 'output format: wide or name',
};

interface GroupSpec {
  name: string;
  aliases: string[];
  /** Lazily loaded, so `argo --help` does not load the printers. */
  kind: () => Promise<TemplateKind>;
  noun: string;
  cmd: string;
  getUsage: string;
  listFlags: FlagSpec[];
  fileExample: string;
}

function registerGroup(program: Command, g: GroupSpec): void {
  const group = program
    .command(g.name)
    .aliases(g.aliases)
    .description(`manipulate ${g.noun}s`)
    .usage('[flags]');
  group.action(() => group.outputHelp());

  const create = group
    .command('create')
    .description(`create ${g.noun}s from files`)
    .usage('FILE1 FILE2... [flags]')
    .argument('<files...>');
  addFlags(create, [OUTPUT, STRICT]);
  setExamples(
    create,
    `  # Store the ${g.noun}s of a file and print them as YAML
  ${g.cmd} create ${g.fileExample} -o yaml

  # Store templates that carry fields this version does not know
  ${g.cmd} create ${g.fileExample} --strict=false`,
  );
  create.action(async (files: string[], o: { output?: string; strict?: boolean }, self: Command) => {
    await (await lazy()).createTemplates(self, await g.kind(), files, o);
  });

  const get = group
    .command('get')
    .description(`display details about ${g.noun}s`)
    .usage(g.getUsage)
    .argument('<names...>');
  addFlags(get, [OUTPUT]);
  setExamples(
    get,
    `  # Show when a template was created
  ${g.cmd} get my-template

  # Print the stored manifest
  ${g.cmd} get my-template -o yaml`,
  );
  get.action(async (names: string[], o: { output?: string }, self: Command) => {
    await (await lazy()).getTemplates(self, await g.kind(), names, o);
  });

  const list = group.command('list').description(`list ${g.noun}s`).usage('[flags]');
  addFlags(list, [...g.listFlags, LIST_OUTPUT]);
  setExamples(
    list,
    `  # Names only, one a line, for scripts
  ${g.cmd} list -o name`,
  );
  list.action(async (o: { allNamespaces?: boolean; output?: string; selector?: string }, self: Command) => {
    await (await lazy()).listTemplates(self, await g.kind(), o);
  });

  const update = group
    .command('update')
    .description(`replace stored ${g.noun}s with the ones in files`)
    .usage('FILE1 FILE2... [flags]')
    .argument('<files...>');
  addFlags(update, [OUTPUT, STRICT]);
  setExamples(
    update,
    `  # Replace the stored templates by the edited file
  ${g.cmd} update ${g.fileExample}`,
  );
  update.action(async (files: string[], o: { output?: string; strict?: boolean }, self: Command) => {
    await (await lazy()).updateTemplates(self, await g.kind(), files, o);
  });

  const del = group
    .command('delete')
    .description(`delete ${g.noun}s`)
    .usage('WORKFLOW_TEMPLATE [flags]')
    .argument('[names...]');
  addFlags(del, [{ long: 'all', type: 'bool', description: `delete every ${g.noun}` }]);
  setExamples(
    del,
    `  # Delete one template
  ${g.cmd} delete my-template

  # Delete them all
  ${g.cmd} delete --all`,
  );
  del.action(async (names: string[], o: { all?: boolean }, self: Command) => {
    await (await lazy()).deleteTemplates(self, await g.kind(), names, o);
  });

  const lint = group
    .command('lint')
    .description(`check files or directories of ${g.noun} manifests`)
    .usage(g.name === 'template' ? '(DIRECTORY | FILE1 FILE2 FILE3...) [flags]' : 'FILE... [flags]')
    .argument('<files...>');
  addFlags(lint, [LINT_OUTPUT, STRICT]);
  setExamples(
    lint,
    `  # Check every manifest under a folder, one line per problem
  ${g.cmd} lint ./manifests -o simple`,
  );
  lint.action(async (files: string[], o: { output: string; strict?: boolean }, self: Command) => {
    const { runLint } = await import('../lint-run.js');
    await runLint(self, files, {
      output: o.output,
      strict: o.strict !== false,
      kinds: [(await g.kind()).lintKind],
    });
  });
}

export function registerTemplate(program: Command): void {
  registerGroup(program, {
    name: 'template',
    aliases: [],
    kind: async () => (await kinds()).WORKFLOW_TEMPLATE,
    noun: 'workflow template',
    cmd: 'argo template',
    getUsage: 'WORKFLOW_TEMPLATE... [flags]',
    fileExample: 'templates.yaml',
    listFlags: [
      {
        long: 'all-namespaces',
        short: 'A',
        type: 'bool',
        description: 'list templates of every namespace',
      },
      {
        long: 'selector',
        short: 'l',
        type: 'string',
        description: "label selector, e.g. -l key1=value1,key2=value2 (supports '=', '==' and '!=')",
      },
    ],
  });
}

export function registerClusterTemplate(program: Command): void {
  registerGroup(program, {
    name: 'cluster-template',
    aliases: ['cwftmpl', 'cwft'],
    kind: async () => (await kinds()).CLUSTER_WORKFLOW_TEMPLATE,
    noun: 'cluster workflow template',
    cmd: 'argo cluster-template',
    getUsage: 'CLUSTER WORKFLOW_TEMPLATE... [flags]',
    fileExample: 'cluster-templates.yaml',
    listFlags: [],
  });
}
