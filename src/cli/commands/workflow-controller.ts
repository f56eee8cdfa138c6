import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export function registerWorkflowController(program: Command): void {
  const cmd = program
    .command('workflow-controller', { hidden: true })
    .description('run the workflow controller (and, without a cluster, the host runtime) in the foreground')
    .usage('[flags]');
  addFlags(cmd, [
    { long: 'managed-namespace', type: 'string', description: 'namespace to watch when --namespaced' },
    { long: 'namespaced', type: 'bool', description: 'only watch one namespace' },
    { long: 'workflow-workers', type: 'int', default: 32, description: 'Number of workflow workers' },
  ]);
  cmd.action(async (o: { managedNamespace?: string; namespaced?: boolean; workflowWorkers?: number }) => {
    const { runWorkflowController } = await import('./workflow-controller-run.js');
    await runWorkflowController(o);
  });
}
