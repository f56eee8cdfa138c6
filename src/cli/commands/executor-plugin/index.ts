// `argo executor-plugin build DIR`: the ConfigMap an executor plugin is installed from.
import type { Command } from 'commander';
import { setExamples } from '../../help.js';

export function registerExecutorPlugin(program: Command): void {
  const group = program.command('executor-plugin').description('manage executor plugins').usage('[flags]');
  group.action(() => group.outputHelp());
  const build = group
    .command('build')
    .summary('build an executor plugin')
    .description(
      "build an executor plugin\n\nReads DIR/plugin.yaml (and DIR/server.* as the sidecar's code, if there is one) and writes\nthe ConfigMap that installs the plugin, DIR/<name>-executor-plugin-configmap.yaml, and a README.md.",
    )
    .usage('DIR [flags]')
    .argument('<dir>');
  setExamples(
    build,
    `  # Build the plugin in the current folder, then install it
  argo executor-plugin build .
  kubectl apply -f hello-executor-plugin-configmap.yaml`,
  );
  build.action(async (dir: string) => {
    const { buildExecutorPlugin } = await import('./build.js');
    const { out } = await import('../../context.js');
    for (const file of await buildExecutorPlugin(dir)) await out(`${file} created\n`);
  });
}
