// `argoexec resource ACTION`, the main container of a resource template: reports that outputs are
// coming, does the action on the manifest's object, waits for its success or failure condition,
// reads the output parameters from it and reports them in the node's WorkflowTaskResult. The first
// error is the container's termination message, as with the other executor commands.
import type { Outputs, Parameter, Template } from '../../../model/template.js';
import type { KubeObject } from '../../../model/meta.js';
import type { DynamicClient, PatchType } from '../../../store/kube/dynamic.js';
import { podSettings, type PodSettings } from '../context.js';
import type { ExecutorRun } from '../init.js';
import { reporterFor } from '../task-result.js';
import { writeTerminateMessage } from '../terminate-message.js';
import { ExecutorErrors } from '../wait.js';
import { ActionError, execAction, isResourceAction, RESOURCE_ACTIONS, type ActedOn } from './actions.js';
import { parseConditions, type Conditions } from './conditions.js';
import { parseKubectlFlags } from './flags.js';
import {
  manifestLocation,
  parseManifest,
  readManifest,
  stageManifest,
  withOwnerReference,
} from './manifest.js';
import { resourceParameters } from './outputs.js';
import { pause, stateCheckInterval, waitForConditions } from './poll.js';

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

function mergeStrategy(value: string | undefined): PatchType {
  const v = value || 'strategic';
  if (v === 'strategic' || v === 'merge' || v === 'json') return v;
  throw new Error(`error: --type must be one of [json merge strategic], not "${v}" (resource.mergeStrategy)`);
}

/** Checked before anything is written, so a typo does not leave the action half done. */
function checkTemplate(tmpl: Template, action: string): Conditions {
  if (!tmpl.resource) throw new Error('the pod\'s template has no "resource" to act on');
  if (!isResourceAction(action))
    throw new Error(`unknown resource action "${action}": use one of ${RESOURCE_ACTIONS.join(', ')}`);
  const r = tmpl.resource;
  if (action === 'delete' && (r.successCondition || r.failureCondition || tmpl.outputs?.parameters?.length))
    throw new Error('successCondition, failureCondition and outputs are not supported for delete action');
  return parseConditions(r.successCondition, r.failureCondition);
}

/** Upstream retries kubectl on transient API errors with client-go's default back-off. */
async function withRetry<T>(op: () => Promise<T>): Promise<T> {
  const delays = [10, 50, 250];
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const transient = typeof code === 'number' && (code === 429 || code >= 500);
      if (!transient || attempt >= delays.length)
        throw new ActionError(
          `no more retries ${(err as Error).message}`,
          typeof code === 'number' ? code : undefined,
        );
      await pause(delays[attempt]);
    }
  }
}

function logResource(run: ExecutorRun, client: DynamicClient, done: ActedOn): void {
  const r = done.resource;
  run.log.info('Resource', {
    namespace: done.object.metadata?.namespace ?? '',
    resource: `${r.kind.toLowerCase()}.${r.group}/${done.name}`,
    selfLink: client.path(r, done.namespace, done.name).slice(1),
  });
}

async function act(
  settings: PodSettings,
  run: ExecutorRun,
  action: string,
  stop?: AbortSignal,
): Promise<Outputs | undefined> {
  const { template: tmpl } = settings;
  const { log, env } = run;
  const conditions = checkTemplate(tmpl, action);
  const resource = tmpl.resource!;
  const flags = parseKubectlFlags(resource.flags);
  const strategy = mergeStrategy(resource.mergeStrategy);
  const intervalMs = stateCheckInterval(env);
  await stageManifest(tmpl, env, log);
  const { shown, file } = manifestLocation(tmpl, settings.paths, env);
  const text = await readManifest(file, shown);
  if (text.length === 0 && !resource.flags?.length)
    throw new Error('Must provide at least one of flags or manifest.');
  const values = parseManifest(text, shown);

  const api = await run.api();
  if (!api.kubeConfig)
    throw new Error('resource templates need the Kubernetes API, and the executor has no connection to one');
  const { DynamicClient } = await import('../../../store/kube/dynamic.js');
  const client = new DynamicClient(api.kubeConfig);
  const done = await withRetry(() =>
    execAction({
      action: action as Parameters<typeof execAction>[0]['action'],
      client,
      log,
      shown,
      values,
      flags,
      namespace: api.namespace,
      mergeStrategy: strategy,
      prepare: resource.setOwnerReference
        ? (o) => withOwnerReference(o, settings.workflowName, settings.workflowUid)
        : undefined,
      signal: stop,
    }),
  );
  if (action === 'delete') return undefined;
  const waits = conditions.success.length + conditions.failure.length > 0;
  if (done) {
    logResource(run, client, done);
    if (waits) await waitForConditions(client, done, conditions, intervalMs, log, stop);
  } else if (waits) {
    throw new Error(
      'the resource was not found (resource.flags ignore a missing one), so its conditions cannot be checked',
    );
  }
  return outputsOf(tmpl.outputs?.parameters, client, done, run);
}

async function outputsOf(
  params: Parameter[] | undefined,
  client: DynamicClient,
  done: ActedOn | undefined,
  { log }: ExecutorRun,
): Promise<Outputs | undefined> {
  if (!params?.length) {
    log.info('No output parameters');
    return undefined;
  }
  log.info('Saving resource output parameters');
  let obj: KubeObject | undefined;
  if (done) {
    // Read afresh, as upstream's `kubectl get` does: the conditions may have been met some time ago.
    obj = await client.get(done.resource, done.namespace, done.name);
    if (!obj) {
      const r = done.resource;
      throw new Error(
        `Error from server (NotFound): ${r.group ? `${r.plural}.${r.group}` : r.plural} "${done.name}" not found`,
      );
    }
  }
  const parameters = await resourceParameters(params, obj);
  for (const p of parameters)
    if (p.valueFrom) log.info('Saved output parameter', { name: p.name, value: p.value ?? '' });
  return { parameters };
}
