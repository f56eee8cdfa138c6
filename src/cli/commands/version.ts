import type { Command } from 'commander';
import { addFlags } from '../flags.js';

export function registerVersion(program: Command): void {
  const cmd = program.command('version').description('print version information').usage('[flags]');
  addFlags(cmd, [{ long: 'short', type: 'bool', description: 'print only the version number' }]);
  cmd.action(async (opts: { short?: boolean }, self: Command) => {
    const { versionInfo } = await import('../../client/version.js');
    const { printVersion } = await import('../output/version.js');
    const { globalOptions, out, withClient } = await import('../context.js');
    const short = opts.short === true;
    await out(printVersion('argo', versionInfo(), short));
    // As upstream: with an Argo Server to ask, its version follows; failing to get it is an error.
    // Without one, nothing else is loaded, so this stays fast.
    if (!globalOptions(self).argoServer || process.env.ARGO_LOCAL === 'true') return;
    await withClient(self, async (client) => {
      await out(printVersion('argo-server', await client.getVersion(), short));
    });
  });
}
