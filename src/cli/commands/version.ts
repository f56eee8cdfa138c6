import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export function registerVersion(program: Command): void {
  const cmd = program.command('version').description('print version information').usage('[flags]');
  addFlags(cmd, [{ long: 'short', type: 'bool', description: 'print only the version number' }]);
  cmd.action(async (opts: { short?: boolean }) => {
    const { versionInfo } = await import('../../client/version.js');
    const { printVersion } = await import('../output/version.js');
    const { out } = await import('../context.js');
    await out(printVersion('argo', versionInfo(), opts.short === true));
  });
}
