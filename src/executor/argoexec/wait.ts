// `argoexec wait`, the wait container of a pod: reports that outputs are coming, waits for the
// main containers to end (ending them itself when the step's deadline passes), then collects what
// they left — output parameters, the script's result, output artifacts uploaded to the artifact
// repository, logs when the archive location asks for them — and reports it in the node's
// WorkflowTaskResult. The first error is the container's termination message.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Artifact, Outputs } from '../../model/template.js';
import { PodArtifacts } from '../host/artifacts.js';
import { OutputCollector } from '../host/outputs.js';
import { podSettings, mainContainersOf, type PodSettings } from './context.js';
import { repositoriesFor, SCRATCH_DIR, type ExecutorRun } from './init.js';
import { killContainers, waitForExitCodes, WaitAborted } from './main-exit.js';
import { podPath } from './pod-paths.js';
import { savedArtifacts, savedParameters } from './saved-outputs.js';
import { reporterFor } from './task-result.js';
import { writeTerminateMessage } from './terminate-message.js';

export const DEADLINE_MESSAGE = 'Step exceeded its deadline';

export class ExecutorErrors extends Error {
  constructor(readonly first: Error) {
    super(first.message);
  }
}

export async function runWait(run: ExecutorRun, stop?: AbortSignal): Promise<void> {
  const { log, env } = run;
  const settings = podSettings(env);
  const errors: Error[] = [];
  const addError = (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    log.error('executor error', { error: e.message });
    errors.push(e);
  };
  const reporter = await reporterFor(settings, run);
  await reporter.initialize().catch(addError);
  await waitForMain(settings, run, stop).catch(addError);
  try {
    const outputs = await collectOutputs(settings, run, addError);
    await reporter.report(outputs).catch(addError);
  } finally {
    await reporter.finalize().catch(addError);
  }
  if (errors.length) {
    writeTerminateMessage(errors[0].message, env);
    throw new ExecutorErrors(errors[0]);
  }
}

async function waitForMain(
  settings: PodSettings,
  { log, env }: ExecutorRun,
  stop?: AbortSignal,
): Promise<void> {
  const mains = mainContainersOf(settings.template);
  let deadlineTimer: NodeJS.Timeout | undefined;
  let killing: Promise<void> | undefined;
  if (settings.deadline) {
    const ms = Math.max(0, settings.deadline.getTime() - Date.now());
    deadlineTimer = setTimeout(() => {
      log.info(DEADLINE_MESSAGE);
      writeTerminateMessage(DEADLINE_MESSAGE, env);
      killing = killContainers(settings.paths, mains, settings.terminationGraceMs);
    }, ms);
  }
  try {
    await waitForExitCodes(settings.paths, mains, stop);
    log.info('Main container completed', { containers: mains.join(',') });
  } catch (err) {
    // Stopped (SIGTERM, the pod is going away): outputs are still collected, as upstream does.
    if (!(err instanceof WaitAborted)) throw err;
    log.info('stopped waiting for the main containers');
  } finally {
    clearTimeout(deadlineTimer);
    await killing;
  }
}

async function collectOutputs(
  settings: PodSettings,
  run: ExecutorRun,
  addError: (err: unknown) => void,
): Promise<Outputs> {
  const { template: tmpl, paths } = settings;
  const outputs: Outputs = {};
  const collector = new OutputCollector(tmpl, settings.includeScriptOutput);
  let stdout: Buffer | undefined;
  if (collector.capturesStdout) {
    try {
      stdout = await readFile(paths.stdout('main'));
    } catch (err) {
      addError(err);
    }
  }
  const collected = collector.collect({ fs: savedParameters(tmpl, paths), stdout });
  if (collected.outputs.parameters) outputs.parameters = collected.outputs.parameters;
  if (collected.outputs.result !== undefined) outputs.result = collected.outputs.result;
  if (collected.error) addError(new Error(collected.error));

  const scratch = podPath(path.join(SCRATCH_DIR, 'outputs'), run.env);
  await rm(scratch, { recursive: true, force: true });
  const artifacts = new PodArtifacts(tmpl, scratch, repositoriesFor(run.api, run.env));
  const saved: Artifact[] = [];
  if (tmpl.outputs?.artifacts?.length) {
    run.log.info('Saving output artifacts');
    const result = await artifacts.saveOutputs(await savedArtifacts(tmpl, paths, scratch));
    saved.push(...result.artifacts);
    if (result.error) addError(new Error(result.error));
  }
  if (artifacts.archivesLogs) {
    for (const name of mainContainersOf(tmpl)) {
      try {
        saved.push(await artifacts.saveLogText(name, await readFile(paths.combined(name))));
      } catch (err) {
        addError(new Error(`saving the ${name} container's log: ${(err as Error).message}`));
      }
    }
  }
  if (saved.length) outputs.artifacts = saved;
  return outputs;
}
