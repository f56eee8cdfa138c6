// The work of `argo argoexec ...`. Errors end the container the way upstream's argoexec ends it:
// the command's own exit code for the emissary, 64 for an executor error (whose message is also
// the termination message).
import type { Command } from 'commander';
import { lazyApi } from '../../executor/argoexec/api.js';
import type { ExecutorRun } from '../../executor/argoexec/init.js';
import { executorLog, parseLogFormat, parseLogLevel, type ExecutorLog } from '../../executor/argoexec/log.js';
import { writeTerminateMessage } from '../../executor/argoexec/terminate-message.js';
import { ExitError } from '../context.js';
import { fromCli, kubeAccess } from '../kube-access.js';

/** The exit code of an executor error, as upstream's argoexec uses. */
const EXECUTOR_ERROR_EXIT = 64;

function logFor(cmd: Command): ExecutorLog {
  const verbose = (cmd.optsWithGlobals() as { verbose?: boolean }).verbose === true;
  const level = verbose ? 'debug' : parseLogLevel(fromCli(cmd, 'loglevel'));
  return executorLog(level, parseLogFormat(fromCli(cmd, 'logFormat')));
}

export async function runExecutorCommand(
  name: 'init' | 'wait' | 'data' | 'resource',
  cmd: Command,
  action = '',
): Promise<void> {
  const log = logFor(cmd);
  const run: ExecutorRun = { log, api: lazyApi(kubeAccess(cmd)), env: process.env };
  const stop = new AbortController();
  // SIGTERM (the pod is being deleted) stops the waiting; outputs are still collected and reported.
  const onTerm = () => stop.abort();
  process.once('SIGTERM', onTerm);
  try {
    if (name === 'init') {
      const { runInit } = await import('../../executor/argoexec/init.js');
      await runInit(run);
    } else if (name === 'wait') {
      const { runWait } = await import('../../executor/argoexec/wait.js');
      await runWait(run, stop.signal);
    } else if (name === 'resource') {
      const { runResource } = await import('../../executor/argoexec/resource/run.js');
      await runResource(run, action, stop.signal);
    } else {
      const { runData } = await import('../../executor/argoexec/data.js');
      await runData(run);
    }
  } catch (err) {
    const { ExecutorErrors } = await import('../../executor/argoexec/wait.js');
    // wait, data and resource have logged their errors and written the termination message already.
    if (!(err instanceof ExecutorErrors)) {
      log.error((err as Error).message);
      writeTerminateMessage((err as Error).message);
    }
    throw new ExitError(EXECUTOR_ERROR_EXIT);
  } finally {
    process.removeListener('SIGTERM', onTerm);
  }
}

export async function runEmissaryCommand(argv: string[], cmd: Command): Promise<void> {
  const { runEmissary } = await import('../../executor/argoexec/emissary.js');
  const code = await runEmissary(argv, process.env, logFor(cmd));
  if (code !== 0) throw new ExitError(code);
}

export async function runKillCommand(signal: string, pid: string): Promise<void> {
  const { runKill } = await import('../../executor/argoexec/kill.js');
  const code = await runKill(signal, pid);
  if (code !== 0) throw new ExitError(code);
}
