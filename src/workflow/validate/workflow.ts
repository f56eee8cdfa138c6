// The entry points: validating a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or
// CronWorkflow as Argo does before linting, submitting or running it. Validation stops at the first
// problem, as Argo's does, so the result holds at most one.
import type { Arguments, Artifact, Parameter, Template, TemplateRef } from '../../model/template.js';
import type {
  ClusterWorkflowTemplate,
  CronWorkflow,
  Workflow,
  WorkflowSpec,
  WorkflowTemplate,
} from '../../model/workflow.js';
import { checkArguments } from './arguments.js';
import { cronScheduleError, timeZoneError } from './cron.js';
import { decodeResource } from './decode.js';
import { ValidationFailure, wrapping, type ValidationProblem } from './failure.js';
import type { ResourceKind } from './fields.js';
import { fieldNamesProblem, isParameterReference } from './names.js';
import { Run, type ArgumentsProvider, type Holder, type TemplateBase, type TemplateGetter } from './run.js';
import { ANY_WORKFLOW_OUTPUT_ARTIFACT } from './scope.js';
import { checkHooks } from './steps.js';
import { checkPodResources, validateTemplateHolder } from './template.js';

export interface ValidateContext extends TemplateGetter {
  /** Linting: workflow arguments may lack values (they can be given at submission). */
  lint?: boolean;
  /** Submitting: a WorkflowTemplate's arguments must all have values. */
  submit?: boolean;
  /** The controller's workflowDefaults, whose metadata adds labels and annotations in scope. */
  defaults?: Workflow;
}

const MAX_NAME = 63;
const MAX_CRON_NAME = 52;
const POD_GC_STRATEGIES = new Set([
  '',
  'OnPodCompletion',
  'OnPodSuccess',
  'OnWorkflowCompletion',
  'OnWorkflowSuccess',
]);
const CONCURRENCY_POLICIES = new Set(['', 'Allow', 'Forbid', 'Replace']);
const SELECTOR_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

function fail(message: string, path: string): never {
  throw new ValidationFailure(message, path);
}

/**
 * Runs a validation on the resource as Go would hold it: decoded (leniently) against the API, so
 * checks never meet a value of the wrong shape; a resource that cannot decode is that problem.
 */
function collect<T>(kind: ResourceKind, resource: T, fn: (decoded: T) => void): ValidationProblem[] {
  const decoded = decodeResource(kind, resource, { strict: false });
  if (decoded.error !== undefined) return [{ path: '', message: decoded.error }];
  try {
    fn(decoded.value as T);
    return [];
  } catch (e) {
    if (e instanceof ValidationFailure) return [{ path: e.path, message: e.message }];
    throw e;
  }
}

/** Names become label values (at most 63 characters); a CronWorkflow's gets a timestamp suffix. */
function checkNameLength(what: string, metadata: { name?: string } | undefined, max: number): void {
  const name = metadata?.name ?? '';
  if (name.length > max) {
    fail(
      `${what} name ${JSON.stringify(name)} must not be more than ${max} characters long (currently ${name.length})`,
      'metadata.name',
    );
  }
}

export function validateWorkflow(workflow: Workflow, ctx: ValidateContext): ValidationProblem[] {
  return collect('Workflow', workflow, (wf) => {
    checkNameLength('workflow', wf.metadata, MAX_NAME);
    checkWorkflow(wf, ctx, { workflowTemplateValidation: false, ignoreEntrypoint: false });
  });
}

export function validateWorkflowTemplate(
  resource: WorkflowTemplate,
  ctx: ValidateContext,
): ValidationProblem[] {
  return collect('WorkflowTemplate', resource, (wftmpl) => {
    checkNameLength('workflow template', wftmpl.metadata, MAX_NAME);
    checkTemplateResource(wftmpl, ctx);
  });
}

export function validateClusterWorkflowTemplate(
  resource: ClusterWorkflowTemplate,
  ctx: ValidateContext,
): ValidationProblem[] {
  return collect('ClusterWorkflowTemplate', resource, (cwftmpl) => {
    checkNameLength('cluster workflow template', cwftmpl.metadata, MAX_NAME);
    checkTemplateResource(cwftmpl, ctx);
  });
}

/** Argo validates a CronWorkflow's schedule, then the workflow it would create (never as a lint). */
export function validateCronWorkflow(resource: CronWorkflow, ctx: ValidateContext): ValidationProblem[] {
  return collect('CronWorkflow', resource, (cron) => {
    checkNameLength('cron workflow', cron.metadata, MAX_CRON_NAME);
    const spec = cron.spec ?? ({} as CronWorkflow['spec']);
    const schedules = spec.schedules ?? [];
    if (schedules.length === 0) fail('cron workflow must have at least one schedule', 'spec.schedules');
    for (const [i, schedule] of schedules.entries()) {
      const err = cronScheduleError(schedule);
      if (err) fail(`cron schedule ${schedule} is malformed: ${err}`, `spec.schedules[${i}]`);
    }
    if (spec.timezone) {
      const err = timeZoneError(spec.timezone);
      if (err) fail(`invalid timezone ${JSON.stringify(spec.timezone)}: ${err}`, 'spec.timezone');
    }
    if (!CONCURRENCY_POLICIES.has(spec.concurrencyPolicy ?? '')) {
      fail(`'${spec.concurrencyPolicy}' is not a valid concurrencyPolicy`, 'spec.concurrencyPolicy');
    }
    if (spec.startingDeadlineSeconds !== undefined && spec.startingDeadlineSeconds < 0) {
      fail('startingDeadlineSeconds must be positive', 'spec.startingDeadlineSeconds');
    }
    const wf = workflowFromCron(cron);
    try {
      checkWorkflow(
        wf,
        { ...ctx, lint: false, submit: false },
        { workflowTemplateValidation: false, ignoreEntrypoint: false },
      );
    } catch (e) {
      if (!(e instanceof ValidationFailure)) throw e;
      const path = e.path.startsWith('spec.') ? `spec.workflowSpec.${e.path.slice(5)}` : e.path;
      throw new ValidationFailure(`cannot validate Workflow: ${e.message}`, path);
    }
  });
}

/** The workflow a CronWorkflow creates, as far as validation can see it. */
function workflowFromCron(cron: CronWorkflow): Workflow {
  const labels: Record<string, string> = {};
  const instanceId = cron.metadata?.labels?.['workflows.argoproj.io/controller-instanceid'];
  if (instanceId !== undefined) labels['workflows.argoproj.io/controller-instanceid'] = instanceId;
  labels['workflows.argoproj.io/cron-workflow'] = cron.metadata?.name ?? '';
  const annotations: Record<string, string> = {
    'workflows.argoproj.io/scheduled-time': new Date().toISOString(),
  };
  const meta = cron.spec?.workflowMetadata;
  Object.assign(labels, meta?.labels ?? {});
  Object.assign(annotations, meta?.annotations ?? {});
  return {
    apiVersion: cron.apiVersion,
    kind: 'Workflow',
    metadata: { generateName: `${cron.metadata?.name ?? ''}-`, labels, annotations },
    spec: cron.spec?.workflowSpec ?? {},
  };
}

/** WorkflowTemplates and ClusterWorkflowTemplates are validated as the workflow they describe. */
function checkTemplateResource(
  resource: WorkflowTemplate | ClusterWorkflowTemplate,
  ctx: ValidateContext,
): void {
  const wf: Workflow = {
    metadata: { labels: resource.metadata?.labels, annotations: resource.metadata?.annotations },
    spec: resource.spec ?? {},
  };
  checkWorkflow(wf, ctx, { workflowTemplateValidation: true, ignoreEntrypoint: !wf.spec.entrypoint });
}

function mergeByName<T extends { name?: string }>(first: T[] | undefined, second: T[] | undefined): T[] {
  const seen = new Set<string | undefined>();
  const out: T[] = [];
  for (const item of [...(first ?? []), ...(second ?? [])]) {
    if (seen.has(item.name)) continue;
    seen.add(item.name);
    out.push(item);
  }
  return out;
}

function toTemplateRef(ref: { name?: string; clusterScope?: boolean }, template: string): TemplateRef {
  return { name: ref.name, template, clusterScope: ref.clusterScope };
}

function checkWorkflow(
  wf: Workflow,
  ctx: ValidateContext,
  mode: { workflowTemplateValidation: boolean; ignoreEntrypoint: boolean },
): void {
  const run = new Run(
    {
      lint: !!ctx.lint,
      submit: !!ctx.submit,
      workflowTemplateValidation: mode.workflowTemplateValidation,
      ignoreEntrypoint: mode.ignoreEntrypoint,
    },
    ctx,
  );
  const spec: WorkflowSpec = wf.spec ?? {};
  const base: TemplateBase = { kind: 'Workflow', name: wf.metadata?.name ?? '', spec, path: '' };
  const g = run.globals;
  for (const key of [
    'workflow.name',
    'workflow.namespace',
    'workflow.mainEntrypoint',
    'workflow.serviceAccountName',
    'workflow.uid',
  ]) {
    g.set(key, run.placeholder());
  }

  let entrypoint = spec.entrypoint ?? '';
  const ref = spec.workflowTemplateRef;
  let referenced: TemplateBase | undefined;
  if (ref) {
    if ((spec.templates ?? []).length > 0) {
      fail(
        'Templates is invalid field in spec if workflow referred WorkflowTemplate reference',
        'spec.templates',
      );
    }
    const kind = ref.clusterScope ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate';
    referenced = run.fetch(kind, ref.name ?? '', 'spec.workflowTemplateRef');
    if (!referenced) {
      const resource = ref.clusterScope ? 'clusterworkflowtemplates' : 'workflowtemplates';
      fail(`${resource}.argoproj.io ${JSON.stringify(ref.name ?? '')} not found`, 'spec.workflowTemplateRef');
    }
    if (entrypoint === '') entrypoint = referenced.spec.entrypoint ?? '';
  }
  const templatesProblem = fieldNamesProblem(spec.templates, false);
  const args: Arguments = {
    parameters: ref
      ? mergeByName<Parameter>(spec.arguments?.parameters, referenced?.spec.arguments?.parameters)
      : spec.arguments?.parameters,
    artifacts: ref
      ? mergeByName<Artifact>(spec.arguments?.artifacts, referenced?.spec.arguments?.artifacts)
      : spec.arguments?.artifacts,
  };
  if (templatesProblem) fail(`spec.templates${templatesProblem}`, 'spec.templates');
  checkExecutorPlugins(spec);

  // When linting, or checking a template that workflows will give values to, arguments may lack values.
  const allowEmptyValues = run.opts.lint || (run.opts.workflowTemplateValidation && !run.opts.submit);
  checkArguments('spec.arguments.', args, allowEmptyValues, 'spec.arguments');
  const params = args.parameters ?? [];
  if (params.length > 0) {
    g.set('workflow.parameters', run.placeholder());
    g.set('workflow.parameters.json', run.placeholder());
  }
  for (const p of params) {
    if (p.name) g.set(`workflow.parameters.${p.name}`, p.value !== undefined ? p.value : run.placeholder());
  }

  const annotationKeys = new Set<string>(Object.keys(wf.metadata?.annotations ?? {}));
  const labelKeys = new Set<string>(Object.keys(wf.metadata?.labels ?? {}));
  for (const meta of [
    spec.workflowMetadata,
    ctx.defaults?.spec?.workflowMetadata,
    referenced?.spec.workflowMetadata,
  ]) {
    if (!meta) continue;
    for (const k of Object.keys(meta.annotations ?? {})) annotationKeys.add(k);
    for (const k of [...Object.keys(meta.labels ?? {}), ...Object.keys(meta.labelsFrom ?? {})])
      labelKeys.add(k);
  }
  for (const k of annotationKeys) g.set(`workflow.annotations.${k}`, run.placeholder());
  g.set('workflow.annotations', run.placeholder());
  g.set('workflow.annotations.json', run.placeholder());
  for (const k of labelKeys) g.set(`workflow.labels.${k}`, run.placeholder());
  g.set('workflow.labels', run.placeholder());
  g.set('workflow.labels.json', run.placeholder());
  if (spec.priority !== undefined) g.set('workflow.priority', String(spec.priority));
  g.set('workflow.status', run.placeholder());

  if (!mode.ignoreEntrypoint && entrypoint === '') fail('spec.entrypoint is required', 'spec.entrypoint');
  if (!mode.ignoreEntrypoint) {
    const entryArgs: ArgumentsProvider = mode.workflowTemplateValidation
      ? run.fakeArguments()
      : providerOf(args);
    const holder: Holder = ref ? { templateRef: toTemplateRef(ref, entrypoint) } : { template: entrypoint };
    validateTemplateHolder(run, holder, 'spec.entrypoint', base, entryArgs);
  }

  let exitHolder: Holder | undefined;
  if (spec.onExit)
    exitHolder = ref ? { templateRef: toTemplateRef(ref, spec.onExit) } : { template: spec.onExit };
  else if (ref && referenced?.spec.onExit)
    exitHolder = { templateRef: toTemplateRef(ref, referenced.spec.onExit) };
  if (exitHolder) {
    g.set('workflow.failures', run.placeholder());
    const globalArtifactNamesAreParameters = [spec, referenced?.spec].some((s) =>
      (s?.templates ?? []).some((t: Template) =>
        (t.outputs?.artifacts ?? []).some((a) => !!a.globalName && isParameterReference(a.globalName)),
      ),
    );
    if (globalArtifactNamesAreParameters) g.set(ANY_WORKFLOW_OUTPUT_ARTIFACT, 'true');
    validateTemplateHolder(run, exitHolder, 'spec.onExit', base, providerOf(spec.arguments));
  }
  checkHooks(spec.hooks, 'hooks', 'spec');

  const podGC = spec.podGC;
  if (!POD_GC_STRATEGIES.has(podGC?.strategy ?? '')) {
    fail(`podGC.strategy unknown strategy '${podGC?.strategy}'`, 'spec.podGC.strategy');
  }
  const selectorError = labelSelectorError(podGC?.labelSelector as LabelSelectorLike | undefined);
  if (selectorError) fail(`podGC.labelSelector invalid: ${selectorError}`, 'spec.podGC.labelSelector');
  checkPodResources('spec.podResources', spec.podResources, 'spec.podResources');

  // Every template must resolve, also those the entrypoint does not reach.
  if (ref && referenced) {
    for (const t of referenced.spec.templates ?? []) {
      const tname = t?.name ?? '';
      wrapping(`templates.${tname}`, () =>
        validateTemplateHolder(
          run,
          { templateRef: toTemplateRef(ref, tname) },
          'spec.workflowTemplateRef',
          base,
          run.fakeArguments(),
        ),
      );
    }
    return;
  }
  for (const [i, t] of (spec.templates ?? []).entries()) {
    const tname = t?.name ?? '';
    wrapping(`templates.${tname}`, () =>
      validateTemplateHolder(run, { template: tname }, `spec.templates[${i}]`, base, run.fakeArguments()),
    );
  }
}

function providerOf(args: Arguments | undefined): ArgumentsProvider {
  return {
    parameter: (name) => args?.parameters?.find((p) => p.name === name),
    artifact: (name) => args?.artifacts?.find((a) => a.name === name),
  };
}

function checkExecutorPlugins(spec: WorkflowSpec): void {
  for (const [i, plugin] of (spec.executorPlugins ?? []).entries()) {
    const p = plugin as {
      metadata?: { name?: string };
      spec?: {
        sidecar?: {
          container?: {
            ports?: unknown[];
            resources?: { requests?: unknown; limits?: unknown };
            securityContext?: unknown;
          };
        };
      };
    };
    const at = `spec.executorPlugins[${i}]`;
    const c = p.spec?.sidecar?.container;
    let err: string | undefined;
    if (!p.metadata?.name) err = 'executor plugin metadata name is mandatory';
    else if ((c?.ports ?? []).length < 1) err = 'at least one port is mandatory';
    else if (c?.resources?.requests == null) err = 'resources requests are mandatory';
    else if (c?.resources?.limits == null) err = 'resources limits are mandatory';
    else if (c?.securityContext == null) err = 'security context is mandatory';
    if (err) fail(`spec.executorPlugins: ${err}`, at);
  }
}

interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

/** Kubernetes' checks when turning a label selector into a selector (operators and their values). */
function labelSelectorError(selector: LabelSelectorLike | undefined): string | undefined {
  if (!selector) return undefined;
  for (const expr of selector.matchExpressions ?? []) {
    const op = expr.operator ?? '';
    if (!SELECTOR_OPERATORS.has(op)) return `${JSON.stringify(op)} is not a valid label selector operator`;
    const values = expr.values ?? [];
    if ((op === 'In' || op === 'NotIn') && values.length === 0) {
      return "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty";
    }
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
      return `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`;
    }
  }
  return undefined;
}
