import type { Command } from 'commander';
import { addFlags } from '../../flags.js';

export function registerTemplate(program: Command): void {
  const group = program.command('template').description('manipulate workflow templates').usage('[flags]');
  group.action(() => group.outputHelp());

  const create = group
    .command('create')
    .description('create a workflow template')
    .usage('FILE1 FILE2... [flags]')
    .argument('<files...>');
  addFlags(create, [
    { long: 'output', short: 'o', type: 'string', description: 'output format: name, json, yaml or wide' },
    { long: 'strict', type: 'bool', default: true, description: 'reject unknown fields' },
  ]);
  create.action(async (files: string[], o: { output?: string; strict?: boolean }, self: Command) => {
    const { createTemplates } = await import('./run.js');
    await createTemplates(self, files, o);
  });

  const get = group
    .command('get')
    .description('display details about a workflow template')
    .usage('WORKFLOW_TEMPLATE... [flags]')
    .argument('<names...>');
  addFlags(get, [
    { long: 'output', short: 'o', type: 'string', description: 'output format: name, json, yaml or wide' },
  ]);
  get.action(async (names: string[], o: { output?: string }, self: Command) => {
    const { getTemplates } = await import('./run.js');
    await getTemplates(self, names, o);
  });

  const list = group.command('list').description('list workflow templates').usage('[flags]');
  addFlags(list, [
    { long: 'all-namespaces', short: 'A', type: 'bool', description: 'list templates of every namespace' },
    { long: 'output', short: 'o', type: 'string', description: 'output format: wide or name' },
    {
      long: 'selector',
      short: 'l',
      type: 'string',
      description: "label selector, e.g. -l key1=value1,key2=value2 (supports '=', '==' and '!=')",
    },
  ]);
  list.action(async (o: { allNamespaces?: boolean; output?: string; selector?: string }, self: Command) => {
    const { listTemplates } = await import('./run.js');
    await listTemplates(self, o);
  });

  const del = group
    .command('delete')
    .description('delete a workflow template')
    .usage('WORKFLOW_TEMPLATE [flags]')
    .argument('[names...]');
  addFlags(del, [
    { long: 'all', type: 'bool', description: 'delete every workflow template of the namespace' },
  ]);
  del.action(async (names: string[], o: { all?: boolean }, self: Command) => {
    const { deleteTemplates } = await import('./run.js');
    await deleteTemplates(self, names, o);
  });

  const lint = group
    .command('lint')
    .description('validate a file or directory of workflow template manifests')
    .usage('(DIRECTORY | FILE1 FILE2 FILE3...) [flags]')
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
    const { runLint } = await import('../lint-run.js');
    await runLint(self, files, {
      output: o.output,
      strict: o.strict !== false,
      kinds: ['workflowtemplates'],
    });
  });
}
