// The kubectl actions a resource template names — get, create, apply, delete, patch, replace —
// done through the API with discovery, as `kubectl ACTION -f MANIFEST FLAGS -o json` would.
// Errors are worded as kubectl's (`Error from server (Reason): error when creating "FILE": ...`)
// because that is what upstream puts in the node's message.
import type { KubeObject } from '../../../model/meta.js';
import type { ApiResource, DynamicClient, KubeApiError, PatchType } from '../../../store/kube/dynamic.js';
import type { ExecutorLog } from '../log.js';
import type { KubectlFlags } from './flags.js';
import { manifestObjects } from './manifest.js';
import { pause } from './poll.js';

export const RESOURCE_ACTIONS = ['get', 'create', 'apply', 'delete', 'patch', 'replace'] as const;
export type ResourceAction = (typeof RESOURCE_ACTIONS)[number];

export function isResourceAction(a: string): a is ResourceAction {
  return (RESOURCE_ACTIONS as readonly string[]).includes(a);
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** An action's failure; `code` is the API's HTTP status, when there was one, for retry decisions. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface ActionInput {
  action: ResourceAction;
  client: DynamicClient;
  log: ExecutorLog;
  /** The manifest's path as the template names it, for messages. */
  shown: string;
  /** The manifest's YAML documents. */
  values: unknown[];
  flags: KubectlFlags;
  /** The pod's namespace: where objects that name none go. */
  namespace: string;
  mergeStrategy: PatchType;
  /** Applied to each object the action writes (setOwnerReference). */
  prepare?: (obj: KubeObject) => KubeObject;
  signal?: AbortSignal;
  /** How often a delete checks whether its objects are gone. */
  pollMs?: number;
}

export interface Target {
  resource: ApiResource;
  namespace: string;
  name: string;
}

export interface ActedOn extends Target {
  object: KubeObject;
}

// -------------------------------------------------------------------------------------------
// Errors, as kubectl words them

// The kube module is loaded only when a resource step runs (it brings @kubernetes/client-node), so
// its error classes are told by name rather than imported.
function apiError(err: unknown): KubeApiError | undefined {
  return err instanceof Error && err.name === 'KubeApiError' ? (err as KubeApiError) : undefined;
}

function isNoKindMatch(err: unknown): err is Error {
  return err instanceof Error && err.name === 'NoKindMatchError';
}

function fromServer(caught: unknown, verb?: string, shown?: string): unknown {
  const err = apiError(caught);
  if (!err) return caught;
  const where = verb ? `error when ${verb} "${shown}": ` : '';
  return new ActionError(`Error from server (${err.reason}): ${where}${err.message}`, err.code);
}

function qualified(r: ApiResource): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

function notFound(t: Target): ActionError {
  return new ActionError(`Error from server (NotFound): ${qualified(t.resource)} "${t.name}" not found`, 404);
}

function isNotFound(err: unknown): boolean {
  return apiError(err)?.code === 404;
}

// -------------------------------------------------------------------------------------------
// What to act on

function namespaceFor(r: ApiResource, obj: KubeObject | undefined, input: ActionInput): string {
  if (!r.namespaced) return '';
  const own = obj?.metadata?.namespace;
  const flag = input.flags.namespace;
  if (flag && own && own !== flag)
    throw new ActionError(
      `error: the namespace from the provided object "${own}" does not match the namespace "${flag}". You must pass '--namespace=${own}' to perform this operation.`,
    );
  return flag || own || input.namespace;
}

async function targetOfObject(obj: KubeObject, input: ActionInput, allowGenerate = false): Promise<Target> {
  const missing = [!obj.apiVersion && 'apiVersion not set', !obj.kind && 'kind not set'].filter(Boolean);
  if (missing.length)
    throw new ActionError(
      `error: error validating "${input.shown}": error validating data: [${missing.join(', ')}]`,
    );
  const name = obj.metadata?.name ?? '';
  let resource: ApiResource;
  try {
    resource = await input.client.resourceFor(obj.apiVersion!, obj.kind!);
  } catch (err) {
    if (!isNoKindMatch(err)) throw fromServer(err);
    throw new ActionError(
      `error: resource mapping not found for name: "${name}" namespace: "${obj.metadata?.namespace ?? ''}" from "${input.shown}": ${err.message}; ensure CRDs are installed first`,
    );
  }
  if (!name && !(allowGenerate && obj.metadata?.generateName))
    throw new ActionError(
      `error: error when retrieving ${qualified(resource)} from "${input.shown}": resource name may not be empty`,
    );
  return { resource, namespace: namespaceFor(resource, obj, input), name };
}

async function resourceNamed(type: string, input: ActionInput): Promise<ApiResource> {
  try {
    return await input.client.resourceNamed(type);
  } catch (err) {
    if (isNoKindMatch(err)) throw new ActionError(`error: ${err.message}`);
    throw fromServer(err);
  }
}

/** Targets named by resource.flags: `TYPE NAME...`, `TYPE/NAME...`, or `TYPE -l SELECTOR`. */
async function targetsOfArgs(input: ActionInput): Promise<Target[]> {
  const { args, selector } = input.flags;
  const targets: Target[] = [];
  if (args.every((a) => a.includes('/'))) {
    for (const a of args) {
      const [type, name] = [a.slice(0, a.indexOf('/')), a.slice(a.indexOf('/') + 1)];
      const resource = await resourceNamed(type, input);
      targets.push({ resource, namespace: namespaceFor(resource, undefined, input), name });
    }
    return targets;
  }
  const [type, ...names] = args;
  if (type.includes('/'))
    throw new ActionError(
      'error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form',
    );
  const resource = await resourceNamed(type, input);
  const namespace = namespaceFor(resource, undefined, input);
  if (names.length) return names.flatMap((n) => n.split(',')).map((name) => ({ resource, namespace, name }));
  if (selector === undefined)
    throw new ActionError('error: resource(s) were provided, but no name was specified');
  try {
    const items = await input.client.list(resource, namespace, selector);
    return items.map((o) => ({
      resource,
      namespace: o.metadata.namespace ?? namespace,
      name: o.metadata.name!,
    }));
  } catch (err) {
    throw fromServer(err);
  }
}

/** The one object a non-delete action works on. */
function onlyObject(input: ActionInput): KubeObject {
  const objects = manifestObjects(input.values, input.shown);
  if (objects.length !== 1)
    throw new ActionError(
      objects.length === 0
        ? `error: no objects passed to ${input.action}`
        : `error: the manifest holds ${objects.length} objects; resource action ${input.action} takes exactly one (only delete takes several)`,
    );
  return input.prepare ? input.prepare(objects[0]) : objects[0];
}

async function oneTargetOfArgs(input: ActionInput): Promise<Target> {
  const targets = await targetsOfArgs(input);
  if (targets.length !== 1)
    throw new ActionError(
      `error: resource action ${input.action} takes exactly one object; resource.flags name ${targets.length}`,
    );
  return targets[0];
}

// -------------------------------------------------------------------------------------------
// The actions

function acted(t: Target, object: KubeObject): ActedOn {
  const obj: KubeObject = {
    ...object,
    apiVersion:
      object.apiVersion ??
      (t.resource.group ? `${t.resource.group}/${t.resource.version}` : t.resource.version),
    kind: object.kind ?? t.resource.kind,
  };
  return {
    ...t,
    namespace: obj.metadata?.namespace ?? t.namespace,
    name: obj.metadata?.name ?? t.name,
    object: obj,
  };
}

function writeQuery(input: ActionInput, manager: string): Record<string, string | undefined> {
  return { fieldManager: input.flags.fieldManager ?? manager, fieldValidation: input.flags.fieldValidation };
}

async function get(input: ActionInput): Promise<ActedOn | undefined> {
  const t = input.flags.args.length
    ? await oneTargetOfArgs(input)
    : await targetOfObject(onlyObject(input), input);
  let obj: KubeObject | undefined;
  try {
    obj = await input.client.get(t.resource, t.namespace, t.name);
  } catch (err) {
    throw fromServer(err);
  }
  if (obj) return acted(t, obj);
  if (input.flags.ignoreNotFound) return undefined;
  throw notFound(t);
}

async function create(input: ActionInput): Promise<ActedOn> {
  const obj = onlyObject(input);
  const t = await targetOfObject(obj, input, true);
  try {
    return acted(
      t,
      await input.client.create(t.resource, t.namespace, obj, writeQuery(input, 'kubectl-create')),
    );
  } catch (err) {
    throw fromServer(err, 'creating', input.shown);
  }
}

/** A JSON merge patch from what was applied last to what is applied now: removed fields become null. */
export function threeWayPatch(last: unknown, desired: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(desired)) return desired;
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(desired)) {
    const before = isMap(last) ? last[k] : undefined;
    patch[k] = isMap(v) && isMap(before) ? threeWayPatch(before, v) : v;
  }
  if (isMap(last)) for (const k of Object.keys(last)) if (!(k in desired)) patch[k] = null;
  return patch;
}

async function apply(input: ActionInput): Promise<ActedOn> {
  const given = onlyObject(input);
  if (!given.metadata?.name && given.metadata?.generateName)
    throw new ActionError(`error: from ${input.shown}: cannot use generate name with apply`);
  const t = await targetOfObject(given, input);
  // What kubectl records so the next apply can tell which fields it set (and may remove).
  const { [LAST_APPLIED]: _old, ...annotations } = given.metadata.annotations ?? {};
  const { annotations: _all, ...meta } = given.metadata;
  const record = { ...given, metadata: Object.keys(annotations).length ? { ...meta, annotations } : meta };
  const desired: KubeObject = {
    ...given,
    metadata: {
      ...given.metadata,
      annotations: { ...annotations, [LAST_APPLIED]: `${JSON.stringify(record)}\n` },
    },
  };
  try {
    const live = await input.client.get(t.resource, t.namespace, t.name);
    if (!live) {
      const created = await input.client.create(
        t.resource,
        t.namespace,
        desired,
        writeQuery(input, 'kubectl-client-side-apply'),
      );
      return acted(t, created);
    }
    let last: unknown = {};
    const recorded = live.metadata.annotations?.[LAST_APPLIED];
    if (recorded) {
      try {
        last = JSON.parse(recorded);
      } catch {
        // A damaged record: apply as if nothing had been applied before, removing nothing.
      }
    }
    const patch = threeWayPatch(last, desired);
    const query = writeQuery(input, 'kubectl-client-side-apply');
    return acted(t, await input.client.patch(t.resource, t.namespace, t.name, patch, 'merge', query));
  } catch (err) {
    throw fromServer(err, 'applying', input.shown);
  }
}

async function patch(input: ActionInput): Promise<ActedOn> {
  const type = input.mergeStrategy;
  let t: Target;
  let body: unknown;
  if (type === 'json') {
    if (input.values.length !== 1 || !Array.isArray(input.values[0]))
      throw new ActionError(`error: a json patch must be one list of operations; ${input.shown} is not`);
    if (!input.flags.args.length)
      throw new ActionError(
        'error: a json patch needs the object named in resource.flags, e.g. [TYPE, NAME]',
      );
    body = input.values[0];
    t = await oneTargetOfArgs(input);
  } else {
    const given = input.values.length === 1 ? input.values[0] : undefined;
    const kindless = typeof given === 'object' && given !== null && !('kind' in given);
    // The manifest is the patch; it also names the object unless flags do (a patch without kind).
    body = kindless ? given : onlyObject(input);
    t = input.flags.args.length
      ? await oneTargetOfArgs(input)
      : await targetOfObject(body as KubeObject, input);
  }
  try {
    return acted(
      t,
      await input.client.patch(
        t.resource,
        t.namespace,
        t.name,
        body,
        type,
        writeQuery(input, 'kubectl-patch'),
      ),
    );
  } catch (err) {
    throw fromServer(err, input.flags.args.length ? undefined : 'patching', input.shown);
  }
}

async function replace(input: ActionInput): Promise<ActedOn> {
  const obj = onlyObject(input);
  const t = await targetOfObject(obj, input);
  try {
    let body = obj;
    // As kubectl does: without a resourceVersion, overwrite whatever version is there.
    if (!obj.metadata.resourceVersion) {
      const live = await input.client.get(t.resource, t.namespace, t.name);
      const rv = live?.metadata.resourceVersion;
      if (rv) body = { ...obj, metadata: { ...obj.metadata, resourceVersion: rv } };
    }
    return acted(
      t,
      await input.client.replace(t.resource, t.namespace, t.name, body, writeQuery(input, 'kubectl-replace')),
    );
  } catch (err) {
    throw fromServer(err, 'replacing', input.shown);
  }
}

async function del(input: ActionInput): Promise<undefined> {
  const fromManifest = input.flags.args.length === 0;
  const targets = fromManifest
    ? await Promise.all(manifestObjects(input.values, input.shown).map((o) => targetOfObject(o, input)))
    : await targetsOfArgs(input);
  if (targets.length === 0 && fromManifest) throw new ActionError('error: no objects passed to delete');
  const { propagationPolicy, gracePeriodSeconds } = input.flags;
  const deleted: Target[] = [];
  for (const t of targets) {
    try {
      await input.client.delete(t.resource, t.namespace, t.name, { propagationPolicy, gracePeriodSeconds });
      input.log.info(
        `${t.resource.kind.toLowerCase()}${t.resource.group ? `.${t.resource.group}` : ''} "${t.name}" deleted`,
      );
      deleted.push(t);
    } catch (err) {
      // Upstream always passes --ignore-not-found; only an explicit =false makes a missing object an error.
      if (isNotFound(err) && input.flags.ignoreNotFound !== false) continue;
      throw fromServer(err, fromManifest ? 'deleting' : undefined, input.shown);
    }
  }
  // kubectl delete waits for the objects to be gone (finalizers run) unless --wait=false.
  if (input.flags.wait === false) return undefined;
  for (const t of deleted) {
    while (!input.signal?.aborted) {
      try {
        if (!(await input.client.get(t.resource, t.namespace, t.name))) break;
      } catch (err) {
        throw fromServer(err);
      }
      await pause(input.pollMs ?? 1000, input.signal);
    }
  }
  return undefined;
}

export function execAction(input: ActionInput): Promise<ActedOn | undefined> {
  switch (input.action) {
    case 'get':
      return get(input);
    case 'create':
      return create(input);
    case 'apply':
      return apply(input);
    case 'patch':
      return patch(input);
    case 'replace':
      return replace(input);
    case 'delete':
      return del(input);
  }
}
