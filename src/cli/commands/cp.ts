// `argo cp WORKFLOW DIR`: copies a workflow's output artifacts into a local folder, each as the
// file it is stored as (hello-art.tgz), below a path made from --path's variables.
import type { Command } from 'commander';
import { addFlags } from '../flags.js';
import { setExamples } from '../help.js';

interface CpOptions {
  artifactName?: string;
  templateName?: string;
  nodeId?: string;
  path?: string;
}

const DEFAULT_PATH = '{namespace}/{workflowName}/{nodeId}/outputs/{artifactName}';

export function registerCp(program: Command): void {
  const cmd = program
    .command('cp')
    .description('copy artifacts from workflow')
    .usage('my-wf output-directory ... [flags]')
    .argument('[args...]');
  setExamples(
    cmd,
    `# Copy a workflow's artifacts to a local output directory:

  argo cp my-wf output-directory

# Copy artifacts from a specific node in a workflow to a local output directory:

  argo cp my-wf output-directory --node-id=my-wf-node-id-123`,
  );
  addFlags(cmd, [
    { long: 'artifact-name', type: 'string', description: 'name of output artifact in workflow' },
    { long: 'node-id', type: 'string', description: 'id of node in workflow' },
    {
      long: 'path',
      type: 'string',
      default: DEFAULT_PATH,
      description:
        'use variables {workflowName}, {nodeId}, {templateName}, {artifactName}, and {namespace} to create a customized path to store the artifacts; example: {workflowName}/{templateName}/{artifactName}',
    },
    { long: 'template-name', type: 'string', description: 'name of template in workflow' },
  ]);
  cmd.action(async (args: string[], o: CpOptions, self: Command) => {
    const { withClient, namespaceOf } = await import('../context.js');
    if (args.length !== 2) {
      self.outputHelp();
      throw new Error('incorrect number of arguments');
    }
    const { copyArtifacts } = await import('./cp-run.js');
    await withClient(self, (client, g) =>
      copyArtifacts(client, namespaceOf(client, g), args[0], args[1], { ...o, path: o.path ?? DEFAULT_PATH }),
    );
  });
}
