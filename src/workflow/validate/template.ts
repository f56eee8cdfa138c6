// Validating one template as Argo does: resolve what a step, task or entrypoint refers to, supply its
// inputs (real arguments or placeholders), substitute what is known, then check the template's body
// once per template and its outputs.
import type { Artifact, Item, Parameter, Sequence, Template } from '../../model/template.js';
import { isLeafTemplate, isPodTemplate, TEMPLATE_KINDS, templateTypeOf } from '../../model/template-kinds.js';
import { artifactPathError, checkArtifactLocation, hasLocationOrKey } from './artifacts.js';
import { checkDag } from './dag.js';
import { ValidationFailure, wrapping } from './failure.js';
import { checkLeaf } from './leaf.js';
import { fieldNamesProblem, isParameterReference } from './names.js';
import { checkOutputs } from './outputs.js';
import { PLACEHOLDER_PREFIX } from './placeholders.js';
import {
  hasOutput,
  resourceScope,
  templateByName,
  type ArgumentsProvider,
  type Holder,
  type ResolvedTemplate,
  type Run,
  type TemplateBase,
} from './run.js';
import {
  ANY_ITEM,
  ANY_WORKFLOW_OUTPUT_ARTIFACT,
  ANY_WORKFLOW_OUTPUT_PARAMETER,
  type NodeRefPrefix,
  type Scope,
} from './scope.js';
import { checkSteps } from './steps.js';
import { forEachTag, isExpressionTag, replaceTags, UnterminatedTagError } from './tags.js';

const RETRY_POLICIES = new Set(['Always', 'OnError', 'OnFailure', 'OnTransientError', '']);
// Argo's own wording, which names fewer kinds than there are.
const TYPE_CHOICES =
  'choose one of: container, containerSet, steps, script, resource, dag, suspend, template, template ref';

function fail(message: string, path: string): never {
  throw new ValidationFailure(message, path);
}

/** True when the text has a `{{...}}` reference that is not an expression (or a broken one). */
function hasUnresolvedReference(text: string): boolean {
  let found = false;
  try {
    forEachTag(text, (tag) => {
      if (!isExpressionTag(tag)) found = true;
    });
  } catch (e) {
    if (e instanceof UnterminatedTagError) return true;
    throw e;
  }
  return found;
}

/**
 * Resolves and validates what `holder` refers to; returns the template (as written), or undefined
 * when it can only be known at runtime (a templateRef built from parameters).
 */
export function validateTemplateHolder(
  run: Run,
  holder: Holder,
  holderPath: string,
  base: TemplateBase,
  args: ArgumentsProvider,
): ResolvedTemplate | undefined {
  const ref = holder.templateRef;
  const name = holder.template ?? '';
  if (ref) {
    if (name !== '') fail('template name cannot be specified with templateRef', `${holderPath}.template`);
    if (!ref.name) fail('resource name is required', `${holderPath}.templateRef.name`);
    if (!ref.template) fail('template name is required', `${holderPath}.templateRef.template`);
    if (hasUnresolvedReference(JSON.stringify(ref))) return undefined;
    // Argo evaluates expressions here with placeholder values, making the reference dynamic too.
    if (`${ref.name}${ref.template}`.includes('{{=')) return undefined;
  } else if (name !== '' && !templateByName(base, name)) {
    fail(`template name '${name}' undefined`, `${holderPath}.template`);
  }

  let resolved: ResolvedTemplate | undefined;
  if (holder.inline) {
    resolved = { template: structuredClone(holder.inline), path: `${holderPath}.inline`, base };
  } else if (ref) {
    const refPath = `${holderPath}.templateRef`;
    const fetched = run.fetch(
      ref.clusterScope ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate',
      ref.name!,
      refPath,
    );
    resolved = fetched ? templateByName(fetched, ref.template!) : undefined;
    if (!resolved) {
      // A name made of parameters is resolved at runtime.
      if (ref.template!.includes(PLACEHOLDER_PREFIX)) return undefined;
      fail(`template reference ${ref.name}.${ref.template} not found`, refPath);
    }
  } else if (name !== '') {
    resolved = templateByName(base, name);
  }
  if (!resolved) fail('failed to get a template', holderPath);
  const tmpl = resolved.template;
  if (templateTypeOf(tmpl) === 'Unknown')
    fail(`template '${tmpl.name ?? ''}' type is unknown`, resolved.path);
  const policy = tmpl.retryStrategy?.retryPolicy;
  if (policy !== undefined && !RETRY_POLICIES.has(policy)) {
    fail(`${policy} is not a valid RetryPolicy`, `${resolved.path}.retryStrategy.retryPolicy`);
  }
  validateTemplate(run, resolved, args);
  return resolved;
}

function checkTemplateType(tmpl: Template, path: string): void {
  const count = TEMPLATE_KINDS.filter((k) => tmpl[k.field] != null).length;
  if (count === 0) fail(`templates.${tmpl.name ?? ''} template type unspecified. ${TYPE_CHOICES}`, path);
  if (count > 1)
    fail(`templates.${tmpl.name ?? ''} multiple template types specified. ${TYPE_CHOICES}`, path);
}

/** Pod-level resources: Kubernetes allows cpu, memory and hugepages-* only, and no claims. */
export function checkPodResources(prefix: string, resources: Template['podResources'], path: string): void {
  if (!resources) return;
  if ((resources.claims ?? []).length > 0)
    fail(`${prefix}.claims is not supported for pod-level resources`, `${path}.claims`);
  for (const list of [resources.limits, resources.requests]) {
    for (const key of Object.keys(list ?? {})) {
      if (key !== 'cpu' && key !== 'memory' && !key.startsWith('hugepages-')) {
        fail(
          `${prefix}: ${JSON.stringify(key)} is not a valid pod-level resource, only cpu, memory and hugepages-* are supported`,
          path,
        );
      }
    }
  }
}

function validateTemplate(run: Run, resolved: ResolvedTemplate, args: ArgumentsProvider): void {
  const { template: tmpl, path, base } = resolved;
  const name = tmpl.name ?? '';
  checkTemplateType(tmpl, path);
  const type = templateTypeOf(tmpl);
  if (tmpl.podResources) {
    if (type === 'HTTP' || type === 'Plugin') {
      fail(`templates.${name}.podResources is not supported for ${type} templates`, `${path}.podResources`);
    }
    checkPodResources(`templates.${name}.podResources`, tmpl.podResources, `${path}.podResources`);
  }
  const scope = inputsScope(tmpl, path);
  for (const [i, c] of (tmpl.initContainers ?? []).entries()) {
    if (!c?.name) fail('initContainers must all have container name', `${path}.initContainers[${i}]`);
  }

  const locals = new Map<string, string>();
  const local = (key: string): void => {
    locals.set(key, run.placeholder());
    scope.add(key);
  };
  if (isPodTemplate(tmpl)) local('pod.name');
  if (tmpl.retryStrategy) {
    for (const key of [
      'retries',
      'lastRetry.exitCode',
      'lastRetry.status',
      'lastRetry.duration',
      'lastRetry.message',
    ])
      local(key);
  }
  if (isLeafTemplate(tmpl)) {
    for (const art of tmpl.outputs?.artifacts ?? [])
      if (art.path) scope.add(`outputs.artifacts.${art.name}.path`);
    for (const p of tmpl.outputs?.parameters ?? [])
      if (p.valueFrom?.path) scope.add(`outputs.parameters.${p.name}.path`);
  }

  const processed = wrapping(`templates.${name}`, () => processArgs(tmpl, args, run.globals, locals, path));
  const processedType = templateTypeOf(processed);
  if ((tmpl.resourceClaims ?? []).length > 0 && !isPodTemplate(processed)) {
    fail(
      `templates.${name}.resourceClaims is not supported for ${processedType} templates, which do not create a pod`,
      `${path}.resourceClaims`,
    );
  }
  if (processed.timeout) {
    if (!isLeafTemplate(processed))
      fail(`${processedType} template doesn't support timeout field`, `${path}.timeout`);
    if (isGoInt(processed.timeout))
      fail(`${processed.name ?? ''} has invalid duration format in timeout`, `${path}.timeout`);
  }
  if (processed.pendingTimeout && !isLeafTemplate(processed)) {
    fail(`${processedType} template doesn't support pendingTimeout field`, `${path}.pendingTimeout`);
  }

  const key = `${resourceScope(base)}${name}`;
  if (run.validated.has(key)) return;
  run.validated.add(key);

  for (const g of run.globals.keys()) scope.add(g);
  if (processedType === 'Steps') checkSteps(run, scope, resolved, processed);
  else if (processedType === 'DAG') checkDag(run, scope, resolved, processed);
  else checkLeaf(run, scope, resolved, processed);
  checkOutputs(run, scope, processed, path);
  if (processed.archiveLocation) {
    checkArtifactLocation(
      `templates.${processed.name ?? ''}.archiveLocation`,
      processed.archiveLocation,
      `${path}.archiveLocation`,
    );
  }
  checkMetrics(tmpl, processed, path);
}

function isGoInt(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function checkMetrics(tmpl: Template, processed: Template, path: string): void {
  const name = tmpl.name ?? '';
  for (const [i, metric] of (processed.metrics?.prometheus ?? []).entries()) {
    const at = `${path}.metrics.prometheus[${i}]`;
    if (!METRIC_NAME.test(metric.name ?? '')) {
      fail(
        `templates.${name} metric name '${metric.name ?? ''}' is invalid. Metric names must contain alphanumeric characters or '_'`,
        at,
      );
    }
    for (const label of metric.labels ?? []) {
      if (!METRIC_NAME.test(label.key ?? '')) {
        fail(
          `metric label '${label.key ?? ''}' is invalid: keys may only contain alphanumeric characters or '_'`,
          `${at}.labels`,
        );
      }
    }
    if (!metric.help)
      fail(`templates.${name} metric '${metric.name}' must contain a help string under 'help: ' field`, at);
    const valueError = metricValueError(metric);
    if (valueError) fail(`templates.${name} metric '${metric.name}' error: ${valueError}`, at);
  }
}

function metricValueError(
  metric: NonNullable<Template['metrics']>['prometheus'][number],
): string | undefined {
  if (metric.gauge) {
    if (!metric.gauge.value) return 'missing gauge.value';
    if (metric.gauge.realtime && metric.gauge.value.includes('resourcesDuration.')) {
      return "'resourcesDuration.*' metrics cannot be used in real-time";
    }
  }
  if (metric.counter && !metric.counter.value) return 'missing counter.value';
  if (metric.histogram && !metric.histogram.value) return 'missing histogram.value';
  return undefined;
}

/** The scope a template's inputs give: `inputs.parameters.<n>`, `inputs.artifacts.<n>[.path]`. */
function inputsScope(tmpl: Template, path: string): Scope {
  const name = tmpl.name ?? '';
  const params = tmpl.inputs?.parameters ?? [];
  const arts = tmpl.inputs?.artifacts ?? [];
  const paramsProblem = fieldNamesProblem(params, true);
  if (paramsProblem) fail(`templates.${name}.inputs.parameters${paramsProblem}`, `${path}.inputs.parameters`);
  const artsProblem = fieldNamesProblem(arts, true);
  if (artsProblem) fail(`templates.${name}.inputs.artifacts${artsProblem}`, `${path}.inputs.artifacts`);
  const scope: Scope = new Set();
  for (const p of params) scope.add(`inputs.parameters.${p.name}`);
  if (params.length > 0) scope.add('inputs.parameters');
  for (const [i, art] of arts.entries()) {
    const ref = `inputs.artifacts.${art.name}`;
    const at = `${path}.inputs.artifacts[${i}]`;
    scope.add(ref);
    if (isLeafTemplate(tmpl)) {
      const err = artifactPathError(art);
      if (err) fail(`error in templates.${name}.${ref}: ${err}`, `${at}.path`);
      scope.add(`${ref}.path`);
    } else if (art.path) {
      fail(`templates.${name}.${ref}.path only valid in container/script templates`, `${at}.path`);
    }
    if (art.from) fail(`templates.${name}.${ref}.from not valid in inputs`, `${at}.from`);
    checkArtifactLocation(`templates.${name}.${ref}`, art, at);
  }
  return scope;
}

/**
 * Gives the template's inputs their values (argument, else default), then substitutes globals,
 * locals and inputs into it, as Argo's ProcessArgs does when validating.
 */
function processArgs(
  tmpl: Template,
  args: ArgumentsProvider,
  globals: ReadonlyMap<string, string>,
  locals: ReadonlyMap<string, string>,
  path: string,
): Template {
  const copy = structuredClone(tmpl);
  const params: Parameter[] = copy.inputs?.parameters ?? [];
  for (const [i, original] of params.entries()) {
    const p: Parameter = { ...original };
    if (p.value === undefined && p.default !== undefined) p.value = p.default;
    const arg = args.parameter(p.name);
    if (arg) {
      if (arg.value !== undefined) {
        p.value = arg.value;
        delete p.valueFrom;
      } else {
        if (arg.valueFrom === undefined) delete p.valueFrom;
        else p.valueFrom = arg.valueFrom;
        delete p.value;
      }
    }
    if (p.valueFrom?.configMapKeyRef == null && p.value === undefined) {
      fail(`inputs.parameters.${p.name} was not supplied`, `${path}.inputs.parameters[${i}]`);
    }
    params[i] = p;
  }
  const arts: Artifact[] = copy.inputs?.artifacts ?? [];
  for (const [i, input] of arts.entries()) {
    const arg = args.artifact(input.name);
    if (!input.optional && !hasLocationOrKey(input) && !arg) {
      fail(`inputs.artifacts.${input.name} was not supplied`, `${path}.inputs.artifacts[${i}]`);
    }
    if (arg) {
      const replaced: Artifact = { ...structuredClone(arg) };
      for (const field of ['path', 'mode', 'recurseMode'] as const) {
        if (input[field] === undefined) delete replaced[field];
        else (replaced as unknown as Record<string, unknown>)[field] = input[field];
      }
      arts[i] = replaced;
    }
  }
  return substituteParams(copy, globals, locals, path);
}

function substituteJson<T>(value: T, lookup: (name: string) => string | undefined, path: string): T {
  let text: string;
  try {
    text = replaceTags(JSON.stringify(value), (name) => {
      const v = lookup(name);
      return v === undefined ? undefined : JSON.stringify(v).slice(1, -1);
    });
  } catch (e) {
    if (e instanceof UnterminatedTagError) fail(e.message, path);
    throw e;
  }
  return JSON.parse(text) as T;
}

function substituteParams(
  tmpl: Template,
  globals: ReadonlyMap<string, string>,
  locals: ReadonlyMap<string, string>,
  path: string,
): Template {
  const replace = new Map<string, string>([...globals, ...locals]);
  const withGlobals = substituteJson(tmpl, (name) => replace.get(name), path);
  const params = withGlobals.inputs?.parameters ?? [];
  for (const p of params) if (p.value !== undefined) replace.set(`inputs.parameters.${p.name}`, p.value);
  replace.set('inputs.parameters', JSON.stringify(params));
  for (const a of withGlobals.inputs?.artifacts ?? [])
    if (a.path) replace.set(`inputs.artifacts.${a.name}.path`, a.path);
  for (const a of withGlobals.outputs?.artifacts ?? [])
    if (a.path) replace.set(`outputs.artifacts.${a.name}.path`, a.path);
  for (const p of withGlobals.outputs?.parameters ?? []) {
    if (p.valueFrom?.path) replace.set(`outputs.parameters.${p.name}.path`, p.valueFrom.path);
  }
  return substituteJson(withGlobals, (name) => replace.get(name), path);
}

/** Adds what a loop makes available (`item`, `item.<key>`); checks only one loop kind is used. */
export function addItemsToScope(
  withItems: Item[] | undefined,
  withParam: string | undefined,
  withSequence: Sequence | undefined,
  scope: Scope,
  path: string,
): void {
  const items = withItems ?? [];
  const defined = (items.length > 0 ? 1 : 0) + (withParam ? 1 : 0) + (withSequence != null ? 1 : 0);
  if (defined > 1) fail('only one of withItems, withParam, withSequence can be specified', path);
  if (items.length > 0) {
    for (const item of items) {
      if (Array.isArray(item)) item.forEach((_, i) => scope.add(`item.[${i}]`));
      else if (item === null) continue;
      else if (typeof item === 'object') for (const key of Object.keys(item)) scope.add(`item.${key}`);
      else scope.add('item');
    }
  } else if (withParam) {
    scope.add('item');
    scope.add(ANY_ITEM);
  } else if (withSequence != null) {
    if (withSequence.count !== undefined && withSequence.end !== undefined) {
      fail('only one of count or end can be defined in withSequence', `${path}.withSequence`);
    }
    scope.add('item');
  }
}

/** Adds what a finished step or task exposes (`steps.<name>.outputs...`, `.id`, `.status`, ...). */
export function addOutputsToScope(
  run: Run,
  tmpl: Template | undefined,
  prefix: NodeRefPrefix,
  name: string,
  scope: Scope,
  aggregate: boolean,
  isAncestor: boolean,
): void {
  const ref = `${prefix}.${name}`;
  for (const suffix of ['id', 'startedAt', 'finishedAt', 'hostNodeName']) scope.add(`${ref}.${suffix}`);
  if (!tmpl) return;
  if (tmpl.daemon) scope.add(`${ref}.ip`);
  if (hasOutput(tmpl)) {
    scope.add(`${ref}.outputs.result`);
    scope.add(`${ref}.exitCode`);
  }
  for (const p of tmpl.outputs?.parameters ?? []) {
    scope.add(`${ref}.outputs.parameters.${p.name}`);
    if (p.globalName) addGlobalOutput(run, scope, 'parameters', p.globalName);
  }
  for (const a of tmpl.outputs?.artifacts ?? []) {
    scope.add(`${ref}.outputs.artifacts.${a.name}`);
    if (a.globalName) addGlobalOutput(run, scope, 'artifacts', a.globalName);
  }
  if (aggregate) {
    const type = templateTypeOf(tmpl);
    if (type === 'Script' || type === 'ContainerSet') {
      scope.add(`${ref}.outputs.result`);
      scope.add(`${ref}.exitCode`);
    }
    scope.add(`${ref}.outputs.parameters`);
  }
  if (isAncestor) scope.add(`${ref}.status`);
}

function addGlobalOutput(run: Run, scope: Scope, kind: 'parameters' | 'artifacts', globalName: string): void {
  if (isParameterReference(globalName)) {
    scope.add(kind === 'parameters' ? ANY_WORKFLOW_OUTPUT_PARAMETER : ANY_WORKFLOW_OUTPUT_ARTIFACT);
    return;
  }
  const key = `workflow.outputs.${kind}.${globalName}`;
  scope.add(key);
  run.globals.set(key, run.placeholder());
}
