// The events webhook (POST /api/v1/events/{namespace}/{discriminator}): each WorkflowEventBinding
// of the namespace whose selector matches the event submits a workflow from its template, with
// parameters, name, labels and annotations taken from the event by expressions, as upstream does.
import type { KubeObject } from '../model/meta.js';
import type { Parameter } from '../model/template.js';
import type { Workflow } from '../model/workflow.js';
import type { ResourceStore } from '../store/types.js';
import { argoExprEnv, evaluate, evaluateBool, goJsonMarshal } from '../workflow/expr/index.js';
import { randomSuffix } from '../workflow/lifecycle/index.js';
import { workflowFromTemplate } from '../workflow/submit-opts.js';
import type { WorkflowBackend } from './backend.js';

interface WorkflowEventBinding extends KubeObject {
  spec: {
    event: { selector: string };
    submit?: {
      workflowTemplateRef: { name: string; clusterScope?: boolean };
      metadata?: {
        name?: string;
        generateName?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
      arguments?: { parameters?: (Parameter & { valueFrom?: { event?: string } })[] };
    };
  };
}

export interface ReceivedEvent {
  namespace: string;
  discriminator: string;
  /** The request body. */
  payload: unknown;
  /** Request headers; those starting with `x-` are offered to expressions as `metadata`. */
  headers: Record<string, string | string[] | undefined>;
}

/** What expressions see: `namespace`, `discriminator`, `metadata` and `payload`, as plain JSON values. */
function environment(e: ReceivedEvent): Record<string, unknown> {
  const metadata: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(e.headers)) {
    if (k.toLowerCase().startsWith('x-') && v !== undefined)
      metadata[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  }
  return JSON.parse(
    JSON.stringify({
      namespace: e.namespace,
      discriminator: e.discriminator,
      metadata,
      payload: e.payload ?? null,
    }),
  );
}

/** An expression's value as a parameter value: strings as they are, anything else as JSON. */
function parameterValue(v: unknown): string {
  return typeof v === 'string' ? v : goJsonMarshal(v);
}

function stringExpression(source: string, env: Record<string, unknown>, what: string): string {
  let v: unknown;
  try {
    v = evaluate(source, argoExprEnv(env));
  } catch (err) {
    throw new Error(`failed to evaluate workflow ${what} expression: ${(err as Error).message}`);
  }
  if (typeof v !== 'string')
    throw new Error(`workflow ${what} expression must evaluate to a string, not a ${typeof v}`);
  return v;
}

async function submitFor(
  binding: WorkflowEventBinding,
  env: Record<string, unknown>,
  backend: WorkflowBackend,
): Promise<Workflow | undefined> {
  let matched: boolean;
  try {
    matched = evaluateBool(binding.spec.event.selector, env);
  } catch (err) {
    throw new Error(`failed to evaluate workflow template expression: ${(err as Error).message}`);
  }
  const submit = binding.spec.submit;
  if (!matched || !submit) return undefined;
  const namespace = binding.metadata.namespace ?? '';
  const ref = submit.workflowTemplateRef;
  const template = ref.clusterScope
    ? await backend.getClusterWorkflowTemplate(ref.name)
    : await backend.getWorkflowTemplate(namespace, ref.name);
  const wf = workflowFromTemplate(template.metadata.name ?? ref.name, ref.clusterScope === true, namespace);
  const wmd = template.spec.workflowMetadata;
  if (wmd?.labels) Object.assign((wf.metadata.labels ??= {}), wmd.labels);
  if (wmd?.annotations) Object.assign((wf.metadata.annotations ??= {}), wmd.annotations);
  const md = submit.metadata ?? {};
  if (md.name) wf.metadata.name = stringExpression(md.name, env, 'name');
  if (md.generateName) wf.metadata.generateName = stringExpression(md.generateName, env, 'generateName');
  for (const [k, v] of Object.entries(md.labels ?? {}))
    (wf.metadata.labels ??= {})[k] = stringExpression(v, env, `label "${k}"`);
  for (const [k, v] of Object.entries(md.annotations ?? {}))
    (wf.metadata.annotations ??= {})[k] = stringExpression(v, env, `annotation "${k}"`);
  if (!wf.metadata.name) wf.metadata.name = `${wf.metadata.generateName ?? ''}${randomSuffix()}`;
  (wf.metadata.labels ??= {})['workflows.argoproj.io/workflow-event-binding'] = binding.metadata.name ?? '';
  for (const p of submit.arguments?.parameters ?? []) {
    if (!p.valueFrom) throw new Error(`malformed workflow template parameter "${p.name}": valueFrom is nil`);
    let value: unknown;
    try {
      value = evaluate(p.valueFrom.event ?? '', env);
    } catch (err) {
      throw new Error(
        `failed to evaluate workflow template parameter "${p.name}" expression: ${(err as Error).message}`,
      );
    }
    wf.spec.arguments ??= {};
    (wf.spec.arguments.parameters ??= []).push({ name: p.name, value: parameterValue(value) });
  }
  return backend.createWorkflow(namespace, wf);
}

/** Submits a workflow for every matching binding; one failing binding does not stop the others. */
export async function dispatchEvent(
  e: ReceivedEvent,
  store: ResourceStore,
  backend: WorkflowBackend,
): Promise<Workflow[]> {
  const bindings = await store.list<WorkflowEventBinding>('WorkflowEventBinding', { namespace: e.namespace });
  const env = environment(e);
  const created: Workflow[] = [];
  const errors: string[] = [];
  for (const binding of bindings.items) {
    try {
      const wf = await submitFor(binding, env, backend);
      if (wf) created.push(wf);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length > 0) throw new Error(`failed to dispatch event: [${errors.join(' ')}]`);
  return created;
}
