import type { Command } from 'commander';
import { addFlags } from '../flags.js';
import { kubeAccess } from '../kube-access.js';

export function registerWorkflowController(program: Command): void {
  const cmd = program
    .command('workflow-controller', { hidden: true })
    .description(
      'run the workflow controller in the foreground: on the cluster a kubeconfig (or in-cluster config) names, else on this machine with the host runtime',
    )
    .usage('[flags]');
  addFlags(cmd, [
    {
      long: 'configmap',
      type: 'string',
      default: 'workflow-controller-configmap',
      description: 'Name of K8s configmap to retrieve workflow controller configuration',
    },
    {
      long: 'executor-image',
      type: 'string',
      description: 'Executor image to use (overrides value in configmap)',
    },
    {
      long: 'managed-namespace',
      type: 'string',
      description: 'namespace that workflow-controller watches, default to the installation namespace',
    },
    { long: 'namespaced', type: 'bool', description: 'run workflow-controller as namespaced mode' },
    { long: 'workflow-workers', type: 'int', default: 32, description: 'Number of workflow workers' },
    { long: 'pod-cleanup-workers', type: 'int', default: 4, description: 'Number of pod cleanup workers' },
    { long: 'workflow-ttl-workers', type: 'int', default: 4, description: 'Number of workflow TTL workers' },
    {
      long: 'cron-workflow-workers',
      type: 'int',
      default: 8,
      description: 'Number of cron workflow workers',
    },
  ]);
  cmd.action(
    async (o: {
      managedNamespace?: string;
      namespaced?: boolean;
      workflowWorkers?: number;
      podCleanupWorkers?: number;
      workflowTtlWorkers?: number;
      cronWorkflowWorkers?: number;
      configmap?: string;
      executorImage?: string;
    }) => {
      const { runWorkflowController } = await import('./workflow-controller-run.js');
      await runWorkflowController({ ...o, kube: kubeAccess(cmd) });
    },
  );
}
