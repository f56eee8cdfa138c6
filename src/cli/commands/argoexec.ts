// `argo argoexec` (hidden): the executor that runs inside a workflow's pods, as upstream's
// argoexec binary — init and wait containers, and the emissary each main container's command
// runs under. It takes the root's kubectl and logging flags (--kubeconfig, -n, --loglevel,
// --log-format, --gloglevel).
import type { Command } from 'commander';

export function registerArgoexec(program: Command): void {
  const cmd = program
    .command('argoexec', { hidden: true })
    .description('argoexec is the executor sidecar to workflow containers')
    .usage('[command]');
  const run = (name: 'init' | 'wait' | 'data') => async (_o: unknown, sub: Command) => {
    const { runExecutorCommand } = await import('./argoexec-run.js');
    await runExecutorCommand(name, sub);
  };
  cmd.command('init').description('Load artifacts').action(run('init'));
  cmd.command('wait').description('wait for main container to finish and save artifacts').action(run('wait'));
  // Upstream's controller passes the data template as an argument too; argoexec reads it from the pod.
  cmd.command('data').description('Process data').allowExcessArguments().action(run('data'));
  cmd
    .command('resource')
    .description('update a resource and wait for resource conditions')
    .usage('(get|create|apply|delete|patch|replace)')
    .argument('<action>')
    .action(async (action: string, _o: unknown, sub: Command) => {
      const { runExecutorCommand } = await import('./argoexec-run.js');
      await runExecutorCommand('resource', sub, action);
    });
  cmd
    .command('emissary')
    .description("run a main container's command and record its exit code and outputs for the wait container")
    .usage('-- COMMAND [ARGS...]')
    .argument('<command...>')
    .allowUnknownOption()
    .action(async (argv: string[], _o: unknown, sub: Command) => {
      const { runEmissaryCommand } = await import('./argoexec-run.js');
      await runEmissaryCommand(argv, sub);
    });
  cmd
    .command('kill')
    .description('send a signal to a process')
    .usage('SIGNAL PID')
    .argument('<signal>')
    .argument('<pid>')
    .action(async (signal: string, pid: string) => {
      const { runKillCommand } = await import('./argoexec-run.js');
      await runKillCommand(signal, pid);
    });
}
