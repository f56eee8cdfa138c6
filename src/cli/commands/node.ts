import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export interface NodeFlags {
  message?: string;
  nodeFieldSelector?: string;
  outputParameter?: string[];
  phase?: string;
}

export function registerNode(program: Command): void {
  const cmd = program
    .command('node')
    .description('perform action on a node in a workflow')
    .usage('ACTION WORKFLOW FLAGS [flags]')
    .argument('[args...]');
  addFlags(cmd, [
    { long: 'message', short: 'm', type: 'string', description: 'the message the node gets' },
    {
      long: 'node-field-selector',
      type: 'string',
      description: 'the suspend nodes to change, e.g. displayName=approve',
    },
    {
      long: 'output-parameter',
      short: 'p',
      type: 'stringArray',
      description: 'value of an output parameter declared valueFrom.supplied, as NAME=VALUE (repeatable)',
    },
    { long: 'phase', type: 'string', description: 'the phase the node gets: Succeeded, Failed or Error' },
  ]);
  cmd.action(async (args: string[], o: NodeFlags, self: Command) => {
    const { runNode } = await import('./node-run.js');
    await runNode(self, args, o);
  });
}
