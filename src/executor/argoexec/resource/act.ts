// A resource template's action from its manifest text to its outputs: the kubectl action on the
// object, the wait for its success or failure condition, the output parameters read from it. Shared
// by `argoexec resource` (in a pod, through the cluster's API) and the local engine's resource agent
// (in the controller, through the embedded store served as a Kubernetes API).
import type { KubeObject } from '../../../model/meta.js';
import type { Outputs, Parameter, Template } from '../../../model/template.js';
import type { DynamicClient, PatchType } from '../../../store/kube/dynamic.js';
import type { ExecutorLog } from '../log.js';
import { ActionError, execAction, isResourceAction, RESOURCE_ACTIONS, type ActedOn } from './actions.js';
import { parseConditions, type Conditions } from './conditions.js';
import { parseKubectlFlags } from './flags.js';
import { parseManifest, withOwnerReference } from './manifest.js';
import { resourceParameters } from './outputs.js';
import { pause, waitForConditions } from './poll.js';

export interface ResourceStep {
  /** The template, its variables substituted. */
  tmpl: Template;
  action: string;
  /** The manifest's text, and its path as the template names it (for messages). */
  manifest: string;
  shown: string;
  client: DynamicClient;
  /** Where objects that name no namespace go. */
  namespace: string;
  /** The owner setOwnerReference names. */
  workflowName: string;
  workflowUid: string;
  /** How often the conditions are checked. */
  intervalMs: number;
  log: ExecutorLog;
  stop?: AbortSignal;
  /**
   * The object an earlier run of this step already acted on: the action is not done again (a
   * create would make a second object), only the wait for its conditions and the outputs.
   */
  resumeFrom?: ActedOnRef;
  /** Told which object the action acted on, before the wait: what a resumed run needs. */
  onActed?: (ref: ActedOnRef) => Promise<void>;
}

/** An object acted on, by the names that find it again. */
export interface ActedOnRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

async function resumed(client: DynamicClient, ref: ActedOnRef): Promise<ActedOn> {
  const resource = await client.resourceFor(ref.apiVersion, ref.kind);
  const object = (await client.get(resource, ref.namespace, ref.name)) ?? {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  };
  return { resource, namespace: ref.namespace, name: ref.name, object };
}

function mergeStrategy(value: string | undefined): PatchType {
  const v = value || 'strategic';
  if (v === 'strategic' || v === 'merge' || v === 'json') return v;
  throw new Error(`error: --type must be one of [json merge strategic], not "${v}" (resource.mergeStrategy)`);
}

/** Checked before anything is written, so a typo does not leave the action half done. */
export function checkTemplate(tmpl: Template, action: string): Conditions {
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

function logResource(log: ExecutorLog, client: DynamicClient, done: ActedOn): void {
  const r = done.resource;
  log.info('Resource', {
    namespace: done.object.metadata?.namespace ?? '',
    resource: `${r.kind.toLowerCase()}.${r.group}/${done.name}`,
    selfLink: client.path(r, done.namespace, done.name).slice(1),
  });
}

/** Does the step's action; its outputs, or undefined when it has none (a delete). */
export async function actOnResource(step: ResourceStep): Promise<Outputs | undefined> {
  const { tmpl, action, client, log, stop, shown } = step;
  const conditions = checkTemplate(tmpl, action);
  const resource = tmpl.resource!;
  const flags = parseKubectlFlags(resource.flags);
  const strategy = mergeStrategy(resource.mergeStrategy);
  if (step.manifest.length === 0 && !resource.flags?.length)
    throw new Error('Must provide at least one of flags or manifest.');
  const values = parseManifest(step.manifest, shown);
  if (step.resumeFrom) log.info('Resuming the wait for a resource acted on before', { ...step.resumeFrom });
  const done = step.resumeFrom
    ? await resumed(client, step.resumeFrom)
    : await withRetry(() =>
        execAction({
          action: action as Parameters<typeof execAction>[0]['action'],
          client,
          log,
          shown,
          values,
          flags,
          namespace: step.namespace,
          mergeStrategy: strategy,
          prepare: resource.setOwnerReference
            ? (o) => withOwnerReference(o, step.workflowName, step.workflowUid)
            : undefined,
          signal: stop,
        }),
      );
  if (action === 'delete') return undefined;
  if (done && !step.resumeFrom)
    await step.onActed?.({
      apiVersion: done.object.apiVersion ?? '',
      kind: done.object.kind ?? done.resource.kind,
      namespace: done.namespace,
      name: done.name,
    });
  const waits = conditions.success.length + conditions.failure.length > 0;
  if (done) {
    logResource(log, client, done);
    if (waits) await waitForConditions(client, done, conditions, step.intervalMs, log, stop);
  } else if (waits) {
    throw new Error(
      'the resource was not found (resource.flags ignore a missing one), so its conditions cannot be checked',
    );
  }
  return outputsOf(tmpl.outputs?.parameters, client, done, log);
}

async function outputsOf(
  params: Parameter[] | undefined,
  client: DynamicClient,
  done: ActedOn | undefined,
  log: ExecutorLog,
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
