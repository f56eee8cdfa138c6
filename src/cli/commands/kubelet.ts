// `argo kubelet` (ours, not upstream's; hidden from `argo --help`): the host runtime as a node of a
// Kubernetes API, in a process of its own: it runs the pods the API holds on this machine as host
// processes and writes their status back, as a kubelet does for its node. Meant for an API server
// with no kubelets of its own (the test suite's fake API server); on a real cluster the nodes' own
// kubelets run the pods.
import type { Command } from 'commander';
import { kubeAccess } from '../kube-access.js';

/** The real kubelet's port; 0 takes any free one. */
export const KUBELET_DEFAULT_PORT = 10250;

export function registerKubelet(program: Command): void {
  const cmd = program
    .command('kubelet', { hidden: true })
    .description(
      'run the pods of a Kubernetes API on this machine with the host runtime, as a node would (argo-ts only)',
    )
    .usage('[flags]')
    .requiredOption('--home <dir>', "where pods' working folders and container logs are kept")
    .option(
      '--port <int>',
      'port on 127.0.0.1 for pods/exec and pods/log (0: any free port)',
      String(KUBELET_DEFAULT_PORT),
    )
    .option('--grace-period <seconds>', 'seconds between SIGTERM and SIGKILL when a pod names none', '10')
    .addHelpText(
      'after',
      `
It watches Pods in every namespace through the kubeconfig (--kubeconfig, KUBECONFIG, or
in-cluster), runs each new one, writes its status back and deletes what a deleted pod left. It
registers as the node named after this host (the node its pods are bound to) with a Lease in
kube-node-lease whose annotation names its endpoint, so an API server that reads it (ours)
proxies pods/exec and pods/log there. Killed, its pods run on; started again, it adopts them.
SIGTERM or SIGINT stops it and the pods it runs.

Examples:
  argo kubelet --kubeconfig ./kubeconfig --home /tmp/node --port 0
`,
    )
    .action(async (o: { home: string; port: string; gracePeriod: string }) => {
      const { runKubelet } = await import('./kubelet-run.js');
      await runKubelet({ ...o, kube: kubeAccess(cmd) });
    });
}
