// `argo kube-api` (ours, not upstream's; hidden from `argo --help`): the local engine's store served
// as a Kubernetes API on loopback, so kubectl can create the ConfigMaps and Secrets Argo features
// read, and apply, get and delete workflows, on the embedded backend.
import type { Command } from 'commander';

export const KUBE_API_DEFAULT_PORT = 2747;

const KUBECONFIG_WARNING = `
A kubeconfig in KUBECONFIG (or ~/.kube/config) makes \`argo\` itself use the Kubernetes backend.
Give the printed kubeconfig to kubectl only: \`kubectl --kubeconfig <file> ...\`, or
\`KUBECONFIG=<file> kubectl ...\` on kubectl's command line; never export it for argo.`;

export function registerKubeApi(program: Command): void {
  const group = program
    .command('kube-api', { hidden: true })
    .description('serve the local engine as a Kubernetes API for kubectl (argo-ts only)')
    .usage('[command]');
  group.action(() => group.outputHelp());
  group
    .command('serve')
    .description('serve the embedded store ($ARGO_HOME/argo.db) as a Kubernetes API on 127.0.0.1')
    .usage('[flags]')
    .option(
      '--port <int>',
      'port on 127.0.0.1 to listen on (0: any free port)',
      String(KUBE_API_DEFAULT_PORT),
    )
    .addHelpText(
      'after',
      `
It serves ConfigMaps, Secrets, Pods, PersistentVolumeClaims, Leases and Argo's kinds with the
requests kubectl makes (discovery, get/list/watch, create, apply, patch, delete). Callers need the
bearer token in $ARGO_HOME/server/token (\`argo auth token\` prints it); \`argo kube-api kubeconfig\`
prints a kubeconfig with it. A Workflow created through it is run by the local engine.
${KUBECONFIG_WARNING}

Examples:
  argo kube-api serve &
  argo kube-api kubeconfig > ~/.argo-local.kubeconfig
  kubectl --kubeconfig ~/.argo-local.kubeconfig create secret generic my-cred --from-literal=key=value
  kubectl --kubeconfig ~/.argo-local.kubeconfig get workflows
`,
    )
    .action(async (o: { port: string }) => {
      const { runKubeApiServe } = await import('./kube-api-run.js');
      await runKubeApiServe(o);
    });
  group
    .command('kubeconfig')
    .description('print a kubeconfig for kubectl pointing at `argo kube-api serve`')
    .usage('[flags]')
    .option('--port <int>', 'the port it serves on (default: the running one, else 2747)')
    .option('--namespace <name>', "the context's namespace", 'default')
    .addHelpText('after', KUBECONFIG_WARNING)
    .action(async (o: { port?: string; namespace: string }) => {
      const { runKubeApiKubeconfig } = await import('./kube-api-run.js');
      await runKubeApiKubeconfig(o);
    });
}
