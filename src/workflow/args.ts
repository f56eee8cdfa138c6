// Binding arguments to a template's inputs and substituting inputs and globals into the template.
import type { ConfigMap } from '../model/meta.js';
import type { Arguments, Artifact, Parameter, Template } from '../model/template.js';
import { renderObject, renderTemplate, type Vars } from './template-string.js';

export class ArgumentError extends Error {}

/**
 * Stands in for an argument that referred to a skipped node's output with no default: the consumed
 * template's input default applies, and without one the node fails with the real cause.
 */
export const ABSENT_OPTIONAL_ARGUMENT = '\u0000argo-ts:absent-optional\u0000';

export interface ProcessArgsOptions {
  globals: Vars;
  locals: Vars;
  /** Lint/dry validation: input artifacts need not have a location yet. */
  validateOnly?: boolean;
  namespace: string;
  getConfigMap?: (namespace: string, name: string) => ConfigMap | undefined;
}

/** A parameter with its fields in Go's struct order (name, default, value, valueFrom, ...). */
export function orderParameter(p: Parameter): Parameter {
  const o: Record<string, unknown> = { name: p.name };
  if (p.default !== undefined) o.default = p.default;
  if (p.value !== undefined) o.value = p.value;
  if (p.valueFrom !== undefined) o.valueFrom = p.valueFrom;
  if (p.globalName) o.globalName = p.globalName;
  if (p.enum && p.enum.length > 0) o.enum = p.enum;
  if (p.description !== undefined) o.description = p.description;
  return o as unknown as Parameter;
}

/** Go's json.Marshal of a Parameter list, for `{{inputs.parameters}}`. */
export function marshalParameters(params: Parameter[]): string {
  return JSON.stringify(params.map(orderParameter));
}

export function configMapValue(
  getConfigMap: ProcessArgsOptions['getConfigMap'],
  namespace: string,
  name: string,
  key: string,
): string {
  const cm = getConfigMap?.(namespace, name);
  if (!cm) throw new ArgumentError(`configmap ${name} not found`);
  const v = cm.data?.[key];
  if (v === undefined) throw new ArgumentError(`ConfigMap '${name}' does not have the key '${key}'`);
  return v;
}

/**
 * Returns a copy of `tmpl` whose input parameters carry their values (argument, else default, else
 * ConfigMap), whose input artifacts are taken from the arguments, and with globals, locals and
 * inputs substituted throughout.
 */
export function processArgs(tmpl: Template, args: Arguments | undefined, opts: ProcessArgsOptions): Template {
  // Only the input lists are written here, and substituteParams returns a fresh copy of the rest:
  // a DAG of thousands of tasks is not deep-copied twice on every pass.
  const t: Template = tmpl.inputs
    ? {
        ...tmpl,
        inputs: {
          ...tmpl.inputs,
          ...(tmpl.inputs.parameters ? { parameters: [...tmpl.inputs.parameters] } : {}),
          ...(tmpl.inputs.artifacts ? { artifacts: [...tmpl.inputs.artifacts] } : {}),
        },
      }
    : tmpl;
  const params = t.inputs?.parameters ?? [];
  for (let i = 0; i < params.length; i++) {
    const p = { ...params[i] };
    if (p.value === undefined && p.default !== undefined) p.value = p.default;
    const arg = args?.parameters?.find((a) => a.name === p.name);
    if (arg?.value === ABSENT_OPTIONAL_ARGUMENT) {
      if (p.value === undefined && p.valueFrom === undefined) {
        throw new ArgumentError(
          `inputs.parameters.${p.name}: argument references an absent optional (skipped/omitted node output with no default)`,
        );
      }
    } else if (arg) {
      if (arg.value !== undefined) p.value = arg.value;
      else if (arg.valueFrom) p.valueFrom = arg.valueFrom;
    }
    const cmRef = p.valueFrom?.configMapKeyRef;
    if (cmRef) {
      const vars = { ...opts.globals };
      const name = renderTemplate(cmRef.name ?? '', vars, { allowUnresolved: false });
      const key = renderTemplate(cmRef.key, vars, { allowUnresolved: false });
      try {
        p.value = configMapValue(opts.getConfigMap, opts.namespace, name, key);
      } catch (err) {
        if (p.valueFrom?.default === undefined) throw err;
        p.value = p.valueFrom.default;
      }
    }
    params[i] = p;
  }
  const arts = t.inputs?.artifacts ?? [];
  for (let i = 0; i < arts.length; i++) {
    const inArt = arts[i];
    const argArt = args?.artifacts?.find((a) => a.name === inArt.name);
    if (!inArt.optional && !hasLocationOrKey(inArt)) {
      if (!argArt) throw new ArgumentError(`inputs.artifacts.${inArt.name} was not supplied`);
      if ((!argArt.from || !argArt.fromExpression) && !hasLocationOrKey(argArt) && !opts.validateOnly) {
        throw new ArgumentError(`inputs.artifacts.${inArt.name} missing location information`);
      }
    }
    if (argArt) {
      const merged: Artifact = { ...structuredClone(argArt), path: inArt.path, mode: inArt.mode };
      if (inArt.recurseMode !== undefined) merged.recurseMode = inArt.recurseMode;
      if (merged.path === undefined) delete merged.path;
      if (merged.mode === undefined) delete merged.mode;
      arts[i] = merged;
    }
  }
  return substituteParams(t, opts.globals, opts.locals);
}

const LOCATION_KEYS = [
  's3',
  'git',
  'http',
  'raw',
  'artifactory',
  'azure',
  'gcs',
  'hdfs',
  'oss',
  'plugin',
] as const;

export function hasLocationOrKey(a: Artifact): boolean {
  return LOCATION_KEYS.some((k) => a[k] !== undefined) || (a as { key?: string }).key !== undefined;
}

/** Globals and locals first (they may appear inside input values), then the template's own inputs. */
export function substituteParams(tmpl: Template, globals: Vars, locals: Vars): Template {
  const vars: Vars = { ...globals, ...locals };
  const t = renderObject(tmpl, vars, { allowUnresolved: true });
  for (const p of t.inputs?.parameters ?? []) {
    if (p.value === undefined && p.valueFrom === undefined) {
      throw new ArgumentError(`inputs.parameters.${p.name} had no value`);
    }
    if (p.value !== undefined) vars[`inputs.parameters.${p.name}`] = p.value;
  }
  vars['inputs.parameters'] = marshalParameters(t.inputs?.parameters ?? []);
  for (const a of t.inputs?.artifacts ?? []) if (a.path) vars[`inputs.artifacts.${a.name}.path`] = a.path;
  for (const a of t.outputs?.artifacts ?? []) if (a.path) vars[`outputs.artifacts.${a.name}.path`] = a.path;
  for (const p of t.outputs?.parameters ?? []) {
    if (p.valueFrom?.path) vars[`outputs.parameters.${p.name}.path`] = p.valueFrom.path;
  }
  // With no tag left, a second rendering would only copy the fresh copy again (a DAG of thousands
  // of tasks on every pass); serialising it to look is several times cheaper than walking it.
  if (!JSON.stringify(t).includes('{{')) return t;
  return renderObject(t, vars, { allowUnresolved: true });
}
