// `argoexec emissary -- CMD ARGS...`: the main containers' entrypoint in Argo's pod contract. It
// runs the user's command and leaves on the shared /var/run/argo volume what the wait container
// cannot otherwise see: the exit code, the output (when it is needed), and main's output files.
// Behaviour follows upstream's legacy (init container) layout; its exit codes are the contract:
// the command's own code, 128 + signal when a signal ended it, 64 when it never ran.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Template } from '../../model/template.js';
import {
  containerDependencies,
  ENV_CONTAINER_NAME,
  ENV_INCLUDE_SCRIPT_OUTPUT,
  MAIN_CONTAINER_NAME,
} from '../pod-contract.js';
import { mainContainersOf, terminationGraceMs } from './context.js';
import { killContainers, waitForExitCodes } from './main-exit.js';
import { retryPlan, type RetryPlan } from './container-retry.js';
import { SignalForwarder } from './forward-signals.js';
import { executorLog, type ExecutorLog } from './log.js';
import { lookPath } from './look-path.js';
import { contractPaths, type ContractPaths } from './pod-paths.js';
import { startCommand, StartError, type CommandExit, type RunningCommand } from './run-command.js';
import { saveOutputs } from './save-outputs.js';
import { watchSignalFile } from './signal-file.js';
import { signalGroup } from './signals.js';
import { readPodTemplate, TemplateReadError } from './template.js';
import { writeTerminateMessage } from './terminate-message.js';
import { parseIntFile, waitForValue } from './watch-file.js';

/** The code a container reports when its command never ran (upstream's default). */
export const NOT_RUN_EXIT_CODE = 64;

/** An exit that carries only its code, like upstream's Exited errors: nothing to print. */
class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit status ${code}`);
  }
}

const SIGTERM_EXIT = 143;

interface Run {
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  paths: ContractPaths;
  log: ExecutorLog;
  signals: SignalForwarder;
  /** What ctr/<name>/exitcode will say. */
  fileCode: number;
  /** The wait container asked for a signal: the container is being stopped, so no retry. */
  signalledByFile: boolean;
}

/**
 * Runs `argv` (the command after `--`) as container ARGO_CONTAINER_NAME and resolves to the code the
 * process must exit with. Errors are reported on stderr and in the termination log, as upstream's
 * argoexec main does, so the caller only has to exit.
 */
export async function runEmissary(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  log: ExecutorLog = executorLog(),
): Promise<number> {
  const run: Run = {
    name: env[ENV_CONTAINER_NAME] ?? '',
    argv,
    env,
    paths: contractPaths(env),
    log,
    signals: new SignalForwarder(log),
    fileCode: NOT_RUN_EXIT_CODE,
    signalledByFile: false,
  };
  let code: number;
  try {
    code = await emissary(run);
  } catch (err) {
    if (err instanceof ExitStatus) code = err.code;
    else {
      const message = (err as Error).message;
      process.stderr.write(`${message}\n`);
      writeTerminateMessage(message, env);
      code = NOT_RUN_EXIT_CODE;
    }
  }
  // Written last: the wait container takes the exit code to mean the saved outputs are complete.
  if (run.name) writeExitCode(run);
  run.signals.dispose();
  return code;
}

async function emissary(run: Run): Promise<number> {
  const { name, paths, log } = run;
  if (!name)
    throw new Error(`${ENV_CONTAINER_NAME} is not set: the emissary cannot tell which container it runs`);
  // Containers of one pod may run as different users; all of them write under ctr/.
  process.umask(0);
  try {
    mkdirSync(paths.ctrDir(name), { recursive: true, mode: 0o777 });
  } catch (err) {
    throw new Error(`failed to create ctr directory: ${(err as Error).message}`);
  }
  if (run.argv.length === 0) throw new Error('no command to run: give it after "--"');
  const tmpl = readTemplate(run.env);

  for (const dep of containerDependencies(tmpl, name)) {
    log.info('waiting for dependency', { dependency: dep });
    // Made here too, as the dependency may not have started yet and the watch needs the folder.
    try {
      mkdirSync(paths.ctrDir(dep), { recursive: true, mode: 0o777 });
    } catch (err) {
      throw new Error(`failed to create dependency dir: ${(err as Error).message}`);
    }
    const code = await waitForValue(paths.exitCode(dep), parseIntFile, run.signals.terminated).catch(() => {
      throw new ExitStatus(SIGTERM_EXIT);
    });
    if (code !== 0) {
      run.fileCode = code;
      throw new Error(`dependency ${JSON.stringify(dep)} exited with non-zero code: ${code}`);
    }
  }

  let file: string;
  try {
    file = lookPath(run.argv[0], run.env);
  } catch (err) {
    throw new Error(`failed to find name in PATH: ${(err as Error).message}`);
  }
  if (run.signals.terminated.aborted) throw new ExitStatus(SIGTERM_EXIT);
  let plan: RetryPlan;
  try {
    plan = retryPlan(tmpl);
  } catch (err) {
    throw new Error(`failed to get retry strategy: ${(err as Error).message}`);
  }

  const result = await runWithRetries(run, tmpl, file, plan);
  if (!(result instanceof StartError)) run.fileCode = result.code;

  if (name === MAIN_CONTAINER_NAME) await saveOutputs(tmpl, paths, log);
  else log.info('not saving outputs: only the main container has them', { container: name });

  if (result instanceof StartError) throw new Error(`failed to start command: ${result.message}`);
  return result.code;
}

function readTemplate(env: NodeJS.ProcessEnv): Template {
  try {
    return readPodTemplate(env);
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof TemplateReadError && message.startsWith('failed to unmarshal')) throw err;
    throw new Error(`failed to read template: ${message}`);
  }
}

async function runWithRetries(
  run: Run,
  tmpl: Template,
  file: string,
  plan: RetryPlan,
): Promise<CommandExit | StartError> {
  for (let attempt = 1; ; attempt++) {
    const result = await runOnce(run, tmpl, file);
    const failed = result instanceof StartError || result.code !== 0;
    run.log.info('sub-process exited', {
      attempt,
      ...(result instanceof StartError ? { error: result.message } : { exitCode: result.code }),
    });
    // A pod being stopped (SIGTERM, or the wait container's signal) must not start the command again.
    if (!failed || attempt >= plan.attempts || run.signals.terminated.aborted || run.signalledByFile)
      return result;
    try {
      await sleep(plan.delayMs, undefined, { signal: run.signals.terminated });
    } catch {
      return result;
    }
  }
}

async function runOnce(run: Run, tmpl: Template, file: string): Promise<CommandExit | StartError> {
  const { name, paths, log } = run;
  const tee = run.env[ENV_INCLUDE_SCRIPT_OUTPUT] === 'true' || tmpl.archiveLocation?.archiveLogs === true;
  if (tee) log.info('capturing logs');
  let cmd: RunningCommand;
  try {
    cmd = await startCommand({
      file,
      args: run.argv.slice(1),
      env: run.env,
      tee: tee ? { stdout: paths.stdout(name), combined: paths.combined(name) } : undefined,
    });
  } catch (err) {
    if (err instanceof StartError) return err;
    throw err;
  }
  const attempt = new AbortController();
  run.signals.attach(cmd.pid);
  watchSignalFile(
    paths.signal(name),
    (signum) => {
      log.info('received signal', { signal: signum, signalPath: paths.signal(name) });
      run.signalledByFile = true;
      signalGroup(cmd.pid, signum);
    },
    attempt.signal,
  );
  if ((tmpl.sidecars ?? []).some((s) => s.name === name)) void stopWhenMainsExit(run, tmpl, attempt.signal);
  try {
    return await cmd.exited;
  } finally {
    run.signals.detach();
    attempt.abort();
  }
}

/**
 * A sidecar runs as long as the main containers do. Once they have all exited it is stopped the
 * way the wait container stops any container: 15 in its signal file, then 9 after the grace period.
 */
async function stopWhenMainsExit(run: Run, tmpl: Template, signal: AbortSignal): Promise<void> {
  const { name, paths, log } = run;
  const mains = mainContainersOf(tmpl);
  try {
    await waitForExitCodes(paths, mains, signal);
  } catch (err) {
    if (signal.aborted) return;
    log.error('failed to wait for main container(s)', { mainContainerNames: mains.join(','), error: err });
  }
  log.info('main container(s) exited, terminating container', {
    mainContainerNames: mains.join(','),
    containerName: name,
  });
  try {
    await killContainers(paths, [name], terminationGraceMs(run.env), signal);
  } catch (err) {
    if (!signal.aborted) log.error('failed to terminate/kill container', { containerName: name, error: err });
  }
}

function writeExitCode(run: Run): void {
  const file = run.paths.exitCode(run.name);
  // Renamed into place, so a reader never sees the file empty.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, String(run.fileCode), { mode: 0o644 });
    renameSync(tmp, file);
  } catch (err) {
    run.log.error('failed to write exit code', { file, error: err });
  }
}
