// `argoexec resource ACTION`, the main container of a resource template: reports that outputs are
// coming, does the action on the manifest's object, waits for its success or failure condition,
// reads the output parameters from it and reports them in the node's WorkflowTaskResult. The first
// error is the container's termination message, as with the other executor commands.
import type { Outputs } from '../../../model/template.js';
import { podSettings, type PodSettings } from '../context.js';
import type { ExecutorRun } from '../init.js';
import { reporterFor } from '../task-result.js';
import { writeTerminateMessage } from '../terminate-message.js';
import { ExecutorErrors } from '../wait.js';
import { actOnResource, checkTemplate } from './act.js';
import { manifestLocation, readManifest, stageManifest } from './manifest.js';
import { stateCheckInterval } from './poll.js';

export async function runResource(run: ExecutorRun, action: string, stop?: AbortSignal): Promise<void> {
  const settings = podSettings(run.env);
  const errors: Error[] = [];
  const addError = (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    run.log.error('executor error', { error: e.message });
    errors.push(e);
  };
  const reporter = await reporterFor(settings, run);
  await reporter.initialize().catch(addError);
  try {
    const outputs = await act(settings, run, action, stop);
    if (outputs) await reporter.report(outputs);
  } catch (err) {
    addError(err);
  } finally {
    // With logs archived, the pod has a wait container, which marks the outputs complete.
    if (!settings.template.archiveLocation?.archiveLogs) await reporter.finalize().catch(addError);
  }
  if (errors.length) {
    writeTerminateMessage(errors[0].message, run.env);
    throw new ExecutorErrors(errors[0]);
  }
}

async function act(
  settings: PodSettings,
  run: ExecutorRun,
  action: string,
  stop?: AbortSignal,
): Promise<Outputs | undefined> {
  const { template: tmpl } = settings;
  const { log, env } = run;
  // Checked before anything is staged, so a typo does not leave the action half done.
  checkTemplate(tmpl, action);
  const intervalMs = stateCheckInterval(env);
  await stageManifest(tmpl, env, log);
  const { shown, file } = manifestLocation(tmpl, settings.paths, env);
  const manifest = await readManifest(file, shown);
  const api = await run.api();
  if (!api.kubeConfig)
    throw new Error('resource templates need the Kubernetes API, and the executor has no connection to one');
  const { DynamicClient } = await import('../../../store/kube/dynamic.js');
  return actOnResource({
    tmpl,
    action,
    manifest,
    shown,
    client: new DynamicClient(api.kubeConfig),
    namespace: api.namespace,
    workflowName: settings.workflowName,
    workflowUid: settings.workflowUid,
    intervalMs,
    log,
    stop,
  });
}
