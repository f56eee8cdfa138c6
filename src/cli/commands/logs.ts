import type { Command } from 'commander';
import { addFlags } from '../flags.js';

interface LogsFlags {
  container: string;
  follow?: boolean;
  grep?: string;
  noColor?: boolean;
  previous?: boolean;
  selector?: string;
  since?: string;
  sinceTime?: string;
  tail: number;
  timestamps?: boolean;
}

export function registerLogs(program: Command): void {
  const cmd = program
    .command('logs')
    .description('view logs of a pod or workflow')
    .usage('WORKFLOW [POD] [flags]')
    .argument('<workflow>')
    .argument('[pod]');
  addFlags(cmd, [
    {
      long: 'container',
      short: 'c',
      type: 'string',
      default: 'main',
      description: 'container whose logs to print',
    },
    { long: 'follow', short: 'f', type: 'bool', description: 'keep printing new lines as they are written' },
    { long: 'grep', type: 'string', description: 'only lines matching this regular expression' },
    { long: 'no-color', type: 'bool', description: 'do not colour the output' },
    { long: 'previous', short: 'p', type: 'bool', description: 'logs of the previous run of the container' },
    { long: 'selector', short: 'l', type: 'string', description: 'only pods matching this label selector' },
    {
      long: 'since',
      type: 'duration',
      description: 'only lines newer than this, e.g. 5s, 2m, 3h (not with --since-time)',
    },
    {
      long: 'since-time',
      type: 'string',
      description: 'only lines after this RFC3339 time (not with --since)',
    },
    { long: 'tail', type: 'int', default: -1, description: 'only the last N lines (-1: all)' },
    { long: 'timestamps', type: 'bool', description: 'prefix each line with its timestamp' },
  ]);
  cmd.action(async (workflow: string, pod: string | undefined, o: LogsFlags, self: Command) => {
    const { parseGoDuration } = await import('../../workflow/duration.js');
    if (o.since && o.sinceTime) throw new Error('--since-time and --since cannot be used together');
    let sinceSeconds: number | undefined;
    if (o.since) {
      try {
        sinceSeconds = Math.floor(parseGoDuration(o.since) / 1000);
      } catch (err) {
        throw new Error(`invalid argument "${o.since}" for "--since" flag: ${(err as Error).message}`);
      }
    }
    if (o.sinceTime && Number.isNaN(Date.parse(o.sinceTime))) {
      throw new Error(`parsing time "${o.sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
    }
    const { withClient, namespaceOf } = await import('../context.js');
    const { logWorkflow } = await import('../follow.js');
    await withClient(
      self,
      async (client, g) => {
        await logWorkflow(client, namespaceOf(client, g), workflow, {
          podName: pod,
          container: o.container,
          follow: o.follow,
          sinceSeconds: sinceSeconds && sinceSeconds > 0 ? sinceSeconds : undefined,
          sinceTime: o.sinceTime,
          tailLines: o.tail >= 0 ? o.tail : undefined,
          timestamps: o.timestamps,
          grep: o.grep,
          selector: o.selector,
          noColor: o.noColor,
        });
      },
      { engine: o.follow ? 'in-process' : 'none' },
    );
  });
}
